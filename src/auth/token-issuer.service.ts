import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { User } from '../users/user.entity.js';
import { SigningKeysService } from './signing-keys.service.js';

/** Mints the built-in issuer's access tokens in Keycloak's claim shape. */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async accessToken(user: User, sessionId: string): Promise<{ token: string; expiresIn: number }> {
    const { kid, privateKey } = await this.keys.signingKey();
    const ttl = this.config.auth.accessTokenTtlSeconds;
    const token = jwt.sign(
      {
        typ: 'Bearer',
        sid: sessionId,
        email: user.email,
        email_verified: user.emailVerifiedAt !== null,
        name: user.displayName ?? undefined,
        preferred_username: user.email ?? undefined,
        realm_access: { roles: user.roles },
        scope: 'openid profile email',
      },
      privateKey,
      {
        algorithm: 'RS256',
        keyid: kid,
        issuer: this.config.auth.localIssuer,
        subject: user.subject,
        audience: this.config.auth.audience,
        expiresIn: ttl,
        jwtid: randomUUID(),
      },
    );
    return { token, expiresIn: ttl };
  }
}
