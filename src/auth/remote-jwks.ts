import { createPublicKey, type KeyObject } from 'node:crypto';

interface Jwk {
  kid?: string;
  kty?: string;
  use?: string;
  alg?: string;
  crv?: string;
}

const USABLE_ALGS = new Set(['RS256', 'ES256']);

/**
 * The provider's key set could not be fetched (network error, timeout, an answer other
 * than 2xx, a body that is not a key set) and no cached key matches: the token cannot be
 * checked right now, which is not the same as the token being bad.
 */
export class KeySetUnavailable extends Error {
  override name = 'KeySetUnavailable';

  constructor(
    readonly issuer: string,
    cause: unknown,
  ) {
    super(
      `the key set of ${issuer} cannot be fetched: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

export interface RemoteJwksOptions {
  /** One refetch is earned back every this many milliseconds (OIDC_JWKS_MIN_REFETCH_MS). */
  refillMs?: number;
  /** Refetches that may happen back to back (the bucket's size). */
  burst?: number;
  /** Timeout of each HTTP request to the provider. */
  timeoutMs?: number;
}

export const DEFAULT_JWKS_REFETCH_BURST = 3;

/**
 * An OIDC provider's signing keys as parsed KeyObjects per kid. Discovery and JWKS are
 * fetched lazily; an unknown kid triggers a refetch. Refetches are budgeted by a token
 * bucket: up to `burst` back to back (so keys rotated twice within seconds are each
 * accepted at once), then one per `refillMs`, so a flood of random kids causes only a
 * handful of fetches. Concurrent lookups of unknown kids share one in-flight fetch.
 */
export class RemoteJwks {
  private keys = new Map<string, KeyObject>();
  private jwksUri?: string;
  private inflight?: Promise<void>;
  /** Why the latest fetch failed; cleared by the next one that succeeds. */
  private lastFailure?: unknown;
  private readonly refillMs: number;
  private readonly burst: number;
  private readonly timeoutMs: number;
  private tokens: number;
  private tokensAt = Date.now();
  private fetches = 0;

  constructor(
    readonly issuer: string,
    options: RemoteJwksOptions = {},
  ) {
    this.refillMs = options.refillMs ?? 10_000;
    this.burst = options.burst ?? DEFAULT_JWKS_REFETCH_BURST;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.tokens = this.burst;
  }

  /** How many times the key set was (or was tried to be) fetched, for tests and metrics. */
  get fetchCount(): number {
    return this.fetches;
  }

  private takeRefetch(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.tokensAt) / this.refillMs);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private async fetchJson(url: string): Promise<unknown> {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: { accept: 'application/json' },
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`${url} answered ${res.status}`);
    }
    try {
      return await res.json();
    } catch {
      throw new Error(`${url} answered a body that is not JSON`);
    }
  }

  private async refresh(): Promise<void> {
    this.fetches++;
    if (!this.jwksUri) {
      const discovery = (await this.fetchJson(
        `${this.issuer}/.well-known/openid-configuration`,
      )) as { issuer?: unknown; jwks_uri?: unknown } | null;
      if (discovery?.issuer !== this.issuer) {
        throw new Error(
          `discovery issuer ${String(discovery?.issuer)} differs from OIDC_ISSUER_URL ${this.issuer}`,
        );
      }
      if (typeof discovery.jwks_uri !== 'string')
        throw new Error('discovery document has no jwks_uri');
      this.jwksUri = discovery.jwks_uri;
    }
    const body = (await this.fetchJson(this.jwksUri)) as { keys?: unknown } | null;
    if (!body || !Array.isArray(body.keys)) throw new Error(`${this.jwksUri} has no keys array`);
    const next = new Map<string, KeyObject>();
    for (const jwk of body.keys as Jwk[]) {
      if (!jwk || typeof jwk !== 'object' || !jwk.kid) continue;
      if ((jwk.use && jwk.use !== 'sig') || (jwk.alg && !USABLE_ALGS.has(jwk.alg))) continue;
      if (jwk.kty !== 'RSA' && !(jwk.kty === 'EC' && jwk.crv === 'P-256')) continue;
      const known = this.keys.get(jwk.kid);
      if (known) {
        next.set(jwk.kid, known);
        continue;
      }
      try {
        next.set(jwk.kid, createPublicKey({ key: jwk as never, format: 'jwk' }));
      } catch {
        // A malformed entry spoils only itself, not the rest of the set.
      }
    }
    this.keys = next;
  }

  private startRefresh(): Promise<void> {
    this.inflight = this.refresh().then(
      () => {
        this.lastFailure = undefined;
        this.inflight = undefined;
      },
      (err: unknown) => {
        this.lastFailure = err;
        this.inflight = undefined;
        throw err;
      },
    );
    return this.inflight;
  }

  /**
   * The key for `kid`, or undefined when the provider does not have it. Throws
   * KeySetUnavailable when the key set cannot be fetched and no cached key matches,
   * also while the refetch budget is spent after a failed fetch.
   */
  async get(kid: string): Promise<KeyObject | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    let pending = this.inflight;
    if (!pending) {
      if (!this.takeRefetch()) {
        if (this.lastFailure !== undefined)
          throw new KeySetUnavailable(this.issuer, this.lastFailure);
        return undefined;
      }
      pending = this.startRefresh();
    }
    try {
      await pending;
    } catch (err) {
      throw new KeySetUnavailable(this.issuer, err);
    }
    return this.keys.get(kid);
  }
}
