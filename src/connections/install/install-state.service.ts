import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretCipher } from '../../core/crypto/secret-cipher.js';
import type { ConnectionsConfig } from '../connections.config.js';
import { installStateInvalid } from '../connections.errors.js';
import { CONNECTIONS_CONFIG } from '../connections.tokens.js';
import type { ConnectionService } from '../entities/service-connection.entity.js';

const AAD = 'connection-install-state';

export interface InstallState {
  organizationId: string;
  userId: string;
  service: ConnectionService;
  nonce: string;
  expiresAt: Date;
}

/**
 * Install `state` values: authenticated encryption (AES-256-GCM under the key ring) of
 * who started the install, for which organization and service, until when; each is
 * accepted once (its nonce is recorded when used).
 */
@Injectable()
export class InstallStateService {
  constructor(
    @Inject(CONNECTIONS_CONFIG) private readonly config: ConnectionsConfig,
    private readonly cipher: SecretCipher,
    private readonly dataSource: DataSource,
  ) {}

  issue(
    service: ConnectionService,
    organizationId: string,
    userId: string,
  ): { state: string; expiresAt: Date } {
    const expiresAt = new Date(Date.now() + this.config.installStateTtlSeconds * 1000);
    const payload = JSON.stringify({
      n: randomBytes(16).toString('hex'),
      o: organizationId,
      u: userId,
      s: service,
      e: expiresAt.getTime(),
    });
    return {
      state: Buffer.from(this.cipher.encrypt(payload, AAD)).toString('base64url'),
      expiresAt,
    };
  }

  /** Verifies and uses up a state: 400 INSTALL_STATE_INVALID when forged, expired, foreign or reused. */
  async consume(service: ConnectionService, state: string): Promise<InstallState> {
    let parsed: { n: string; o: string; u: string; s: string; e: number };
    try {
      parsed = JSON.parse(
        this.cipher.decrypt(Buffer.from(state, 'base64url').toString('utf8'), AAD),
      ) as typeof parsed;
    } catch {
      throw installStateInvalid('is not one this server issued');
    }
    if (parsed.s !== String(service))
      throw installStateInvalid(`was issued for ${parsed.s}, not ${service}`);
    if (!(parsed.e > Date.now())) throw installStateInvalid('has expired; start the install again');
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO connection_install_states (nonce, expires_at) VALUES ($1, $2)
       ON CONFLICT (nonce) DO NOTHING RETURNING nonce`,
      [parsed.n, new Date(parsed.e)],
    );
    if (rows.length === 0) throw installStateInvalid('was used already');
    await this.dataSource.query(
      `DELETE FROM connection_install_states WHERE expires_at < now() - interval '1 day'`,
    );
    return {
      organizationId: parsed.o,
      userId: parsed.u,
      service,
      nonce: parsed.n,
      expiresAt: new Date(parsed.e),
    };
  }
}
