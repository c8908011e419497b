import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../core/errors/app.exception.js';
import { AdminErrorCode } from '../admin.errors.js';

/** Introspection answers are reused for at most this long. */
export const INTROSPECTION_CACHE_MS = 10_000;
const MAX_ENTRIES = 10_000;

/**
 * RFC 7662 introspection of Keycloak access tokens at the realm's endpoint, authenticated
 * as the admin service-account client, so a session revoked in Keycloak loses admin
 * access at once (not when its token expires). No answer is 503: access is never granted
 * without one.
 */
@Injectable()
export class TokenIntrospection {
  private readonly logger = new Logger('Introspection');
  private readonly cache = new Map<string, { active: boolean; until: number }>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Introspection applies to tokens of the configured Keycloak issuer. */
  appliesTo(issuer: string): boolean {
    return this.config.admin.introspectAdmin && issuer === this.config.auth.oidcIssuer;
  }

  async assertActive(token: string): Promise<void> {
    const key = createHash('sha256').update(token).digest('base64url');
    const now = Date.now();
    const cached = this.cache.get(key);
    let active = cached && cached.until > now ? cached.active : undefined;
    if (active === undefined) {
      active = await this.introspect(token);
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(key, { active, until: now + INTROSPECTION_CACHE_MS });
    }
    if (!active) {
      throw new AppException(
        401,
        AdminErrorCode.TokenInactive,
        'Keycloak says this token is no longer active (its session ended).',
        { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
      );
    }
  }

  private async introspect(token: string): Promise<boolean> {
    const keycloak = this.config.admin.keycloak!;
    const url = `${keycloak.url}/realms/${encodeURIComponent(keycloak.realm)}/protocol/openid-connect/token/introspect`;
    const basic = Buffer.from(
      `${encodeURIComponent(keycloak.clientId)}:${encodeURIComponent(keycloak.clientSecret)}`,
    ).toString('base64');
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        signal: AbortSignal.timeout(this.config.admin.keycloakTimeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { active?: unknown };
      if (typeof body.active !== 'boolean') throw new Error('answer without "active"');
      return body.active;
    } catch (err) {
      this.logger.warn(
        `token introspection failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      throw new AppException(
        503,
        AdminErrorCode.IntrospectionUnavailable,
        'The identity provider cannot confirm this token right now; admin access is refused until it can.',
        { headers: { 'retry-after': '5' } },
      );
    }
  }
}
