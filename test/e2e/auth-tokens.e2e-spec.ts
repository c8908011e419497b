import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { DEFAULT_JWKS_REFETCH_BURST } from '../../src/auth/remote-jwks.js';
import { startKeycloakMock, type KeycloakMock } from '../support/keycloak-mock.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('token verification with Keycloak (oauth2-mock-server) and the built-in issuer', () => {
  let kc: KeycloakMock;
  let t: TestApp;
  const me = (token: string) =>
    t.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });
  const expect401 = async (token: string, code = 'TOKEN_INVALID') => {
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await res.json()) as { code: string }).code).toBe(code);
  };

  beforeAll(async () => {
    kc = await startKeycloakMock();
    t = await startTestApp({
      OIDC_ISSUER_URL: kc.issuer,
      OIDC_AUDIENCE: 'meridian-api',
      OIDC_CLIENT_ID: 'meridian-api',
    });
  });
  afterAll(async () => {
    await t.close();
    await kc.stop();
  });

  it('accepts a Keycloak access token and provisions the user on first sight', async () => {
    const token = await kc.token({ sub: 'kc-alice', email: 'Alice@Example.com', name: 'Alice' });
    const res = await me(token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      id: string;
      email: string;
      displayName: string;
      localAccount: boolean;
    };
    expect(body).toMatchObject({
      email: 'alice@example.com',
      displayName: 'Alice',
      localAccount: false,
    });
    const again = (await (await me(token)).json()) as { id: string };
    expect(again.id).toBe(body.id);
  });

  it('keeps email and name in sync with the issuer', async () => {
    await me(await kc.token({ sub: 'kc-sync', email: 'old@example.com', name: 'Old' }));
    const res = await me(
      await kc.token({ sub: 'kc-sync', email: 'new@example.com', name: 'New Name' }),
    );
    expect(await res.json()).toMatchObject({ email: 'new@example.com', displayName: 'New Name' });
  });

  it('maps realm and client roles to permissions', async () => {
    const token = await kc.token({
      sub: 'kc-operator',
      realm_access: { roles: ['user'] },
      resource_access: {
        'meridian-api': { roles: ['migrations-operator'] },
        other: { roles: ['admin'] },
      },
    });
    const body = (await (await me(token)).json()) as { roles: string[]; permissions: string[] };
    expect(body.roles).toEqual(['migrations-operator', 'user']);
    expect(body.permissions).toEqual(['databases:read', 'migrations:execute', 'migrations:read']);
  });

  it('answers 403 for a missing role and lets the role through', async () => {
    const plain = await kc.token({ sub: 'kc-plain' });
    const denied = await t.request('/api/v1/auth/keys/rotate', {
      method: 'POST',
      headers: { authorization: `Bearer ${plain}` },
    });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { code: string }).code).toBe('MISSING_ROLE');
    const admin = await kc.token({ sub: 'kc-admin', realm_access: { roles: ['admin'] } });
    const ok = await t.request('/api/v1/auth/keys/rotate', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(ok.status).toBe(201);
  });

  it('answers 401 AUTH_REQUIRED without a token, and reads no token from the query string', async () => {
    const none = await t.request('/api/v1/auth/me');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('AUTH_REQUIRED');
    const token = await kc.token();
    expect((await t.request(`/api/v1/auth/me?access_token=${token}`)).status).toBe(401);
  });

  describe('refuses forged and unusable tokens', () => {
    it('alg none', async () => {
      const good = jwt.decode(await kc.token(), { complete: true })!;
      await expect401(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(good.payload)}.`);
    });

    it('HS256 signed with the public key', async () => {
      const good = jwt.decode(await kc.token(), { complete: true })!;
      const jwk = (await kc.keys())[0];
      const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({
        format: 'pem',
        type: 'spki',
      });
      const forged = jwt.sign(good.payload, pem.toString(), {
        algorithm: 'HS256',
        keyid: good.header.kid,
      });
      await expect401(forged);
    });

    it('a foreign key presenting a real kid', async () => {
      const good = jwt.decode(await kc.token(), { complete: true })!;
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await expect401(
        jwt.sign(good.payload, privateKey, {
          algorithm: 'RS256',
          keyid: good.header.kid,
        }),
      );
    });

    it('a wrong issuer', async () => {
      await expect401(await kc.token({ iss: 'https://evil.example.com/realms/meridian' }));
      await expect401(await kc.token({ iss: `${kc.issuer}/` }));
    });

    it("Keycloak's default account audience alone, and no audience", async () => {
      await expect401(await kc.token({ aud: 'account' }));
      await expect401(await kc.token({}, { remove: ['aud'] }));
    });

    it('an expired token (beyond the 60 s skew) but not one within it', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expect401(await kc.token({ iat: now - 600, exp: now - 120 }), 'TOKEN_EXPIRED');
      const withinSkew = await kc.token({ iat: now - 600, exp: now - 30 });
      expect((await me(withinSkew)).status).toBe(200);
    });

    it('a token not yet valid', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expect401(await kc.token({ nbf: now + 300 }));
    });

    it('an ID token or refresh token used as an access token', async () => {
      await expect401(await kc.token({ typ: 'ID', aud: 'meridian-api' }));
      await expect401(await kc.token({ typ: 'Refresh' }));
    });

    it('garbage', async () => {
      await expect401('not.a.jwt');
      await expect401('x'.repeat(50));
    });
  });

  it('serves the built-in issuer discovery document and JWKS', async () => {
    const discovery = (await (await t.request('/.well-known/openid-configuration')).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(discovery.issuer).toBe(t.config.auth.localIssuer);
    expect(discovery.jwks_uri).toBe(`${t.config.auth.localIssuer}/.well-known/jwks.json`);
    const jwks = (await (await t.request('/.well-known/jwks.json')).json()) as {
      keys: { kty: string; kid: string; d?: string }[];
    };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const k of jwks.keys) {
      expect(k.kty).toBe('RSA');
      expect(k.d).toBeUndefined();
    }
  });
});

describe('refetching a Keycloak key set on unknown kids', () => {
  let kc: KeycloakMock;
  let t: TestApp;
  const me = (token: string) =>
    t.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });

  beforeEach(async () => {
    kc = await startKeycloakMock();
    // An hour per earned-back refetch: only the burst counts within a test.
    t = await startTestApp({
      OIDC_ISSUER_URL: kc.issuer,
      OIDC_AUDIENCE: 'meridian-api',
      OIDC_JWKS_MIN_REFETCH_MS: '3600000',
    });
  });
  afterEach(async () => {
    await t.close();
    await kc.stop();
  });

  it('accepts keys rotated twice within seconds at once', async () => {
    expect((await me(await kc.token())).status).toBe(200);
    const first = await kc.rotate();
    expect((await me(await kc.token({}, { kid: first }))).status).toBe(200);
    const second = await kc.rotate();
    expect((await me(await kc.token({}, { kid: second }))).status).toBe(200);
    expect(await kc.jwksFetches()).toBe(3);
  });

  it('lets 200 tokens with random kids cause at most a burst of fetches', async () => {
    const good = jwt.decode(await kc.token(), { complete: true })!;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = Array.from({ length: 200 }, () =>
      jwt.sign(good.payload as object, privateKey, { algorithm: 'RS256', keyid: randomUUID() }),
    );
    const sequential: number[] = [];
    for (const f of forged.slice(0, 100)) sequential.push((await me(f)).status);
    const concurrent = await Promise.all(forged.slice(100).map(async (f) => (await me(f)).status));
    expect([...sequential, ...concurrent].every((s) => s === 401)).toBe(true);
    const fetches = await kc.jwksFetches();
    expect(fetches).toBeGreaterThanOrEqual(1);
    expect(fetches).toBeLessThanOrEqual(DEFAULT_JWKS_REFETCH_BURST);
    // the realm's own key still verifies
    expect((await me(await kc.token())).status).toBe(200);
  });
});
