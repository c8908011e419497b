import { Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from './principal.service.js';

/** A verified token is trusted again without a signature check for at most this long. */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  claims: AccessTokenClaims;
  until: number;
}

/**
 * Access tokens whose signature, issuer, audience and lifetime were checked, by their exact
 * text: the same string carries the same signature, so checking it again proves nothing
 * new. An entry lasts until the token expires, and at most a minute (so a key the issuer
 * withdraws stops working within that minute). The caller's state (disabled, revoked,
 * logged out) is still checked on every request.
 */
@Injectable()
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  get(token: string): AccessTokenClaims | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.claims;
  }

  remember(token: string, claims: AccessTokenClaims): void {
    if (typeof claims.exp !== 'number') return;
    const until = Math.min(claims.exp * 1000, Date.now() + VERIFIED_TOKEN_TTL_MS);
    if (until <= Date.now()) return;
    if (this.entries.size >= MAX_ENTRIES) {
      // Oldest first (Map keeps insertion order).
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { claims, until });
  }
}
