import { createPublicKey, type KeyObject } from 'node:crypto';

interface Jwk {
  kid?: string;
  kty?: string;
  use?: string;
  alg?: string;
  crv?: string;
}

/** The key set could not be fetched (network, timeout, non-2xx, bad body): not the token's fault. */
export class KeySetUnavailable extends Error {
  override name = 'KeySetUnavailable';
}

const USABLE_ALGS = new Set(['RS256', 'ES256']);

/**
 * An OIDC provider's signing keys as parsed KeyObjects per kid. Discovery and JWKS are
 * fetched lazily; an unknown kid triggers a refetch, at most once per `minRefetchMs`,
 * so a flood of random kids cannot hammer the provider.
 */
export class RemoteJwks {
  private keys = new Map<string, KeyObject>();
  private jwksUri?: string;
  private lastFetch = 0;
  private inflight?: Promise<void>;

  constructor(
    readonly issuer: string,
    private readonly minRefetchMs = 10_000,
    private readonly timeoutMs = 5_000,
  ) {}

  private async fetchJson(url: string): Promise<unknown> {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: { accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    return res.json();
  }

  private async refresh(): Promise<void> {
    this.lastFetch = Date.now();
    if (!this.jwksUri) {
      const discovery = (await this.fetchJson(
        `${this.issuer}/.well-known/openid-configuration`,
      )) as {
        issuer?: string;
        jwks_uri?: string;
      };
      if (discovery.issuer !== this.issuer) {
        throw new Error(
          `discovery issuer ${String(discovery.issuer)} differs from OIDC_ISSUER_URL ${this.issuer}`,
        );
      }
      if (!discovery.jwks_uri) throw new Error('discovery document has no jwks_uri');
      this.jwksUri = discovery.jwks_uri;
    }
    const body = (await this.fetchJson(this.jwksUri)) as { keys?: Jwk[] };
    const next = new Map<string, KeyObject>();
    for (const jwk of body.keys ?? []) {
      if (!jwk.kid || (jwk.use && jwk.use !== 'sig') || (jwk.alg && !USABLE_ALGS.has(jwk.alg)))
        continue;
      if (jwk.kty !== 'RSA' && !(jwk.kty === 'EC' && jwk.crv === 'P-256')) continue;
      next.set(
        jwk.kid,
        this.keys.get(jwk.kid) ?? createPublicKey({ key: jwk as never, format: 'jwk' }),
      );
    }
    this.keys = next;
  }

  async get(kid: string): Promise<KeyObject | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    if (!this.inflight) {
      if (Date.now() - this.lastFetch < this.minRefetchMs) return undefined;
      this.inflight = this.refresh().finally(() => (this.inflight = undefined));
    }
    await this.inflight;
    return this.keys.get(kid);
  }

  /** Number of fetches allowed so far is observable through this, for tests and metrics. */
  get lastFetchAt(): number {
    return this.lastFetch;
  }
}
