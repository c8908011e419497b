import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, type JsonWebKey } from 'node:crypto';
import { KeySetUnavailable, RemoteJwks } from './remote-jwks.js';

type Mode = 'ok' | 'status-503' | 'bad-json' | 'hang' | 'held';

/** An OIDC provider on loopback: discovery, a counting JWKS endpoint, and failure modes. */
class ProviderPeer {
  mode: Mode = 'ok';
  jwksFetches = 0;
  private jwks: JsonWebKey[] = [];
  private held: (() => void)[] = [];
  private readonly server: Server;
  issuer = '';

  constructor() {
    this.server = createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        return this.send(res, 200, { issuer: this.issuer, jwks_uri: `${this.issuer}/certs` });
      }
      if (req.url !== '/certs') return this.send(res, 404, {});
      this.jwksFetches++;
      switch (this.mode) {
        case 'status-503':
          return this.send(res, 503, { error: 'unavailable' });
        case 'bad-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"keys": [');
        case 'hang':
          return; // never answers
        case 'held':
          this.held.push(() => this.send(res, 200, { keys: this.jwks }));
          return;
        case 'ok':
          return this.send(res, 200, { keys: this.jwks });
      }
    });
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Adds a fresh RSA signing key; returns its kid. */
  rotate(): string {
    const kid = randomUUID();
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.jwks.push({ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' });
    return kid;
  }

  release(): void {
    this.mode = 'ok';
    for (const answer of this.held.splice(0)) answer();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('RemoteJwks', () => {
  let peer: ProviderPeer;
  let stopped: boolean;
  beforeEach(async () => {
    peer = await new ProviderPeer().start();
    stopped = false;
  });
  afterEach(async () => {
    if (!stopped) await peer.stop();
  });
  const stopPeer = async () => {
    stopped = true;
    await peer.stop();
  };

  it('fetches the key set once and serves known kids from the cache', async () => {
    const kid = peer.rotate();
    const jwks = new RemoteJwks(peer.issuer, { refillMs: 3_600_000 });
    expect((await jwks.get(kid))?.asymmetricKeyType).toBe('rsa');
    for (let i = 0; i < 10; i++) expect(await jwks.get(kid)).toBeDefined();
    expect(peer.jwksFetches).toBe(1);
  });

  it('accepts keys rotated twice within moments at once', async () => {
    const jwks = new RemoteJwks(peer.issuer, { refillMs: 3_600_000 });
    expect(await jwks.get(peer.rotate())).toBeDefined();
    expect(await jwks.get(peer.rotate())).toBeDefined();
    expect(await jwks.get(peer.rotate())).toBeDefined();
    expect(peer.jwksFetches).toBe(3);
  });

  it('lets a flood of random kids cause no more fetches than the burst', async () => {
    const kid = peer.rotate();
    const jwks = new RemoteJwks(peer.issuer, { refillMs: 3_600_000, burst: 3 });
    for (let i = 0; i < 100; i++) expect(await jwks.get(randomUUID())).toBeUndefined();
    const results = await Promise.all(Array.from({ length: 100 }, () => jwks.get(randomUUID())));
    expect(results.every((k) => k === undefined)).toBe(true);
    expect(peer.jwksFetches).toBe(3);
    expect(jwks.fetchCount).toBe(3);
    // the known key still verifies while the budget is spent
    expect(await jwks.get(kid)).toBeDefined();
  });

  it('shares one in-flight fetch between concurrent lookups of unknown kids', async () => {
    const jwks = new RemoteJwks(peer.issuer, { refillMs: 3_600_000, burst: 3 });
    const kid = peer.rotate();
    peer.mode = 'held';
    const lookups = Promise.all([
      ...Array.from({ length: 50 }, () => jwks.get(kid)),
      ...Array.from({ length: 50 }, () => jwks.get(randomUUID())),
    ]);
    while (peer.jwksFetches === 0) await new Promise((r) => setTimeout(r, 5));
    peer.release();
    const keys = await lookups;
    expect(keys.slice(0, 50).every((k) => k !== undefined)).toBe(true);
    expect(keys.slice(50).every((k) => k === undefined)).toBe(true);
    expect(peer.jwksFetches).toBe(1);
  });

  it('earns a refetch back after the refill interval', async () => {
    const jwks = new RemoteJwks(peer.issuer, { refillMs: 50, burst: 1 });
    expect(await jwks.get(randomUUID())).toBeUndefined();
    expect(await jwks.get(randomUUID())).toBeUndefined();
    expect(peer.jwksFetches).toBe(1);
    await new Promise((r) => setTimeout(r, 120));
    const kid = peer.rotate();
    expect(await jwks.get(kid)).toBeDefined();
    expect(peer.jwksFetches).toBe(2);
  });

  describe('throws KeySetUnavailable when the key set cannot be fetched', () => {
    const expectUnavailable = async (lookup: Promise<unknown>) => {
      const err = await lookup.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KeySetUnavailable);
      expect((err as KeySetUnavailable).issuer).toBe(peer.issuer);
      return err as KeySetUnavailable;
    };

    it('when the provider answers 5xx', async () => {
      peer.mode = 'status-503';
      const jwks = new RemoteJwks(peer.issuer, { refillMs: 3_600_000 });
      const err = await expectUnavailable(jwks.get(randomUUID()));
      expect(err.message).toContain('503');
    });

    it('when the provider answers a body that is not JSON', async () => {
      peer.mode = 'bad-json';
      const jwks = new RemoteJwks(peer.issuer, { refillMs: 3_600_000 });
      await expectUnavailable(jwks.get(randomUUID()));
    });

    it('when the provider does not answer in time', async () => {
      peer.mode = 'hang';
      const jwks = new RemoteJwks(peer.issuer, { refillMs: 3_600_000, timeoutMs: 200 });
      await expectUnavailable(jwks.get(randomUUID()));
    });

    it('when the provider is down, also at the first lookup (no discovery yet)', async () => {
      const issuer = peer.issuer;
      await stopPeer();
      const jwks = new RemoteJwks(issuer, { refillMs: 3_600_000 });
      const err = await jwks.get(randomUUID()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KeySetUnavailable);
    });

    it('while the refetch budget is spent after a failure, not "no such key"', async () => {
      peer.mode = 'status-503';
      const jwks = new RemoteJwks(peer.issuer, { refillMs: 3_600_000, burst: 2 });
      for (let i = 0; i < 5; i++) await expectUnavailable(jwks.get(randomUUID()));
      expect(peer.jwksFetches).toBe(2);
    });

    it('but still serves cached keys, and recovers when the provider does', async () => {
      const kid = peer.rotate();
      const jwks = new RemoteJwks(peer.issuer, { refillMs: 3_600_000, burst: 3 });
      expect(await jwks.get(kid)).toBeDefined();
      peer.mode = 'status-503';
      await expectUnavailable(jwks.get(randomUUID()));
      expect(await jwks.get(kid)).toBeDefined();
      peer.mode = 'ok';
      const rotated = peer.rotate();
      expect(await jwks.get(rotated)).toBeDefined();
      // the provider answered and has no such key: that is the token's fault
      expect(await jwks.get(randomUUID())).toBeUndefined();
    });
  });
});
