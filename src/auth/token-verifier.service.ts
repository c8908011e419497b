import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import type { KeyObject } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { RemoteJwks } from './remote-jwks.js';
import { SigningKeysService } from './signing-keys.service.js';

export const ACCEPTED_ALGORITHMS: jwt.Algorithm[] = ['RS256', 'ES256'];
export const CLOCK_SKEW_SECONDS = 60;

export class TokenRejected extends Error {
  override name = 'TokenRejected';
}

/**
 * Finds the key for a token before passport-jwt verifies it: the issuer must be one we
 * trust, the kid must name one of its keys (each a parsed KeyObject).
 */
@Injectable()
export class TokenVerifier {
  readonly issuers: string[];
  private readonly remote?: RemoteJwks;

  constructor(
    private readonly signingKeys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const { localAccounts, localIssuer, oidcIssuer } = config.auth;
    this.issuers = [...(localAccounts ? [localIssuer] : []), ...(oidcIssuer ? [oidcIssuer] : [])];
    if (oidcIssuer)
      this.remote = new RemoteJwks(oidcIssuer, { refillMs: config.auth.jwksMinRefetchMs });
  }

  get audience(): string {
    return this.config.auth.audience;
  }

  isLocalIssuer(issuer: string): boolean {
    return this.config.auth.localAccounts && issuer === this.config.auth.localIssuer;
  }

  /**
   * The verification key of a token; TokenRejected when the token is bad. KeySetUnavailable
   * (the provider's key set cannot be fetched right now) passes through unchanged.
   */
  async keyFor(rawToken: string): Promise<KeyObject> {
    const decoded = jwt.decode(rawToken, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new TokenRejected('not a JWT');
    const { alg, kid } = decoded.header;
    if (!ACCEPTED_ALGORITHMS.includes(alg as jwt.Algorithm))
      throw new TokenRejected(`algorithm ${alg} is not accepted`);
    if (!kid) throw new TokenRejected('token has no kid');
    const iss = decoded.payload.iss;
    if (!iss || !this.issuers.includes(iss))
      throw new TokenRejected(`issuer ${String(iss)} is not trusted`);
    const key = this.isLocalIssuer(iss)
      ? await this.signingKeys.verificationKey(kid)
      : await this.remote?.get(kid);
    if (!key) throw new TokenRejected(`no key ${kid} at issuer ${iss}`);
    const expected = alg === 'ES256' ? 'ec' : 'rsa';
    if (key.asymmetricKeyType !== expected)
      throw new TokenRejected(`kid ${kid} is not an ${expected} key`);
    return key;
  }
}
