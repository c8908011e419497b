import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { DataSource, IsNull, type Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { SecretCipher } from '../core/crypto/secret-cipher.js';
import { SigningKey } from './entities/signing-key.entity.js';

const KEY_LOCK = 7_312_004_213;
const REFRESH_EVERY_MS = 60_000;
const UNKNOWN_KID_REFETCH_MS = 1_000;

export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * The built-in issuer's RS256 keys: made on first start, kept in the database with the
 * private key encrypted, rotated on demand. Verification keys are parsed KeyObjects
 * cached per kid; an unknown kid reloads from the database (at most once a second), so
 * a rotation on one replica is seen by all.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger('SigningKeys');
  private active?: ActiveSigningKey;
  private verifying = new Map<string, KeyObject>();
  private jwks: Record<string, string>[] = [];
  private loadedAt = 0;
  private lastUnknownReload = 0;

  constructor(
    @InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>,
    private readonly dataSource: DataSource,
    private readonly cipher: SecretCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.auth.localAccounts) return;
    await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      const current = await m.getRepository(SigningKey).findOneBy({ retiredAt: IsNull() });
      if (!current) {
        await m.getRepository(SigningKey).save(this.generate());
        this.logger.log('generated the built-in issuer signing key');
      }
    });
    await this.load();
  }

  private generate(): SigningKey {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomUUID();
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    return this.keys.create({
      kid,
      algorithm: 'RS256',
      publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' },
      privateKeyEncrypted: this.cipher.encrypt(
        privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        `signing-key:${kid}`,
      ),
      retiredAt: null,
    });
  }

  private async load(): Promise<void> {
    const horizon = new Date(Date.now() - this.config.auth.accessTokenTtlSeconds * 1000 - 120_000);
    const rows = await this.keys
      .createQueryBuilder('k')
      .where('k.retired_at IS NULL OR k.retired_at > :horizon', { horizon })
      .orderBy('k.created_at', 'DESC')
      .getMany();
    const verifying = new Map<string, KeyObject>();
    for (const row of rows) {
      verifying.set(
        row.kid,
        this.verifying.get(row.kid) ?? createPublicKey({ key: row.publicJwk, format: 'jwk' }),
      );
    }
    const current = rows.find((r) => r.retiredAt === null);
    if (current && current.kid !== this.active?.kid) {
      const pem = this.cipher.decrypt(current.privateKeyEncrypted, `signing-key:${current.kid}`);
      this.active = { kid: current.kid, privateKey: createPrivateKey(pem) };
    }
    this.verifying = verifying;
    this.jwks = rows.map((r) => r.publicJwk);
    this.loadedAt = Date.now();
  }

  /** The key new tokens are signed with (reloaded every minute to follow rotations). */
  async signingKey(): Promise<ActiveSigningKey> {
    if (!this.active || Date.now() - this.loadedAt > REFRESH_EVERY_MS) await this.load();
    if (!this.active) throw new Error('the built-in issuer has no signing key');
    return this.active;
  }

  /** A parsed verification key by kid, or undefined when no such key exists. */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    const key = this.verifying.get(kid);
    if (key) return key;
    if (Date.now() - this.lastUnknownReload < UNKNOWN_KID_REFETCH_MS) return undefined;
    this.lastUnknownReload = Date.now();
    await this.load();
    return this.verifying.get(kid);
  }

  async publicJwks(): Promise<{ keys: Record<string, string>[] }> {
    if (Date.now() - this.loadedAt > REFRESH_EVERY_MS) await this.load();
    return { keys: this.jwks };
  }

  /** Starts signing with a new key; the old one keeps verifying until its tokens expire. */
  async rotate(): Promise<string> {
    const fresh = this.generate();
    await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      await m.getRepository(SigningKey).update({ retiredAt: IsNull() }, { retiredAt: new Date() });
      await m.getRepository(SigningKey).save(fresh);
    });
    await this.load();
    this.logger.log(`rotated the built-in issuer signing key; new kid ${fresh.kid}`);
    return fresh.kid;
  }
}
