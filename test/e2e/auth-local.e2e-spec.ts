import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { UserStatus } from '../../src/users/user.entity.js';
import { UsersService } from '../../src/users/users.service.js';
import { jsonBody, newUser, TEST_PASSWORD } from '../support/accounts.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface Pair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
}

describe('local accounts: sign-in, sessions and the built-in issuer', () => {
  let t: TestApp;
  const login = (email: string, password: string, ip?: string) =>
    t.request(
      '/api/v1/auth/login',
      jsonBody({ email, password }, ip ? { 'x-forwarded-for': ip } : {}),
    );
  const refresh = (refreshToken: string) =>
    t.request('/api/v1/auth/refresh', jsonBody({ refreshToken }));
  const me = (accessToken: string) =>
    t.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${accessToken}` } });
  const code = async (res: Response) => ((await res.json()) as { code: string }).code;

  beforeAll(async () => {
    t = await startTestApp({
      ADMIN_EMAIL: 'root@example.com',
      ADMIN_PASSWORD: 'a long admin passphrase',
      TRUST_PROXY: 'true',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('signs in with email and password and returns a short-lived RS256 access token in Keycloak shape', async () => {
    const u = await newUser(t);
    const res = await login(u.email.toUpperCase(), TEST_PASSWORD);
    expect(res.status).toBe(200);
    const pair = (await res.json()) as Pair;
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const decoded = jwt.decode(pair.accessToken, { complete: true })!;
    expect(decoded.header.alg).toBe('RS256');
    expect(decoded.payload).toMatchObject({
      iss: t.config.auth.localIssuer,
      aud: 'meridian-api',
      sub: u.id,
      typ: 'Bearer',
      email: u.email,
      realm_access: { roles: [] },
    });
    const profile = (await (await me(pair.accessToken)).json()) as {
      id: string;
      localAccount: boolean;
    };
    expect(profile).toMatchObject({ id: u.id, localAccount: true });
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const u = await newUser(t);
    const wrong = await login(u.email, 'not the password at all', '10.0.0.1');
    const unknown = await login('nobody-here@example.com', 'not the password at all', '10.0.0.2');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({
      ...b,
      requestId: undefined,
      instance: undefined,
    });
    expect(strip((await wrong.json()) as Record<string, unknown>)).toEqual(
      strip((await unknown.json()) as Record<string, unknown>),
    );
  });

  it('rotates refresh tokens, and a replayed one ends the whole session', async () => {
    const u = await newUser(t);
    const first = (await (await refresh(u.refreshToken)).json()) as Pair;
    expect(first.refreshToken).not.toBe(u.refreshToken);
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    const latest = (await second.json()) as Pair;

    const replay = await refresh(u.refreshToken);
    expect(replay.status).toBe(401);
    expect(await code(replay)).toBe('REFRESH_TOKEN_REUSED');
    expect((await refresh(latest.refreshToken)).status).toBe(401);
    expect((await me(latest.accessToken)).status).toBe(401);
  });

  it('refuses unknown refresh tokens', async () => {
    const res = await refresh('a'.repeat(43));
    expect(res.status).toBe(401);
    expect(await code(res)).toBe('REFRESH_TOKEN_INVALID');
  });

  it('logout ends this session only; logout-all ends every session', async () => {
    const u = await newUser(t);
    const other = (await (await login(u.email, TEST_PASSWORD)).json()) as Pair;
    expect(
      (await t.request('/api/v1/auth/logout', { method: 'POST', headers: u.auth })).status,
    ).toBe(204);
    expect((await me(u.accessToken)).status).toBe(401);
    expect((await refresh(u.refreshToken)).status).toBe(401);
    expect((await me(other.accessToken)).status).toBe(200);

    const all = await t.request('/api/v1/auth/logout-all', {
      method: 'POST',
      headers: { authorization: `Bearer ${other.accessToken}` },
    });
    expect(all.status).toBe(204);
    expect((await me(other.accessToken)).status).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);
  });

  it("stops a disabled user's tokens at once", async () => {
    const u = await newUser(t);
    expect((await me(u.accessToken)).status).toBe(200);
    await t.app.get(UsersService).update(u.id, { status: UserStatus.Disabled });
    const res = await me(u.accessToken);
    expect(res.status).toBe(401);
    expect(await code(res)).toBe('ACCOUNT_DISABLED');
    expect((await refresh(u.refreshToken)).status).toBe(401);
    expect((await login(u.email, TEST_PASSWORD)).status).toBe(401);
  });

  it('throttles failed sign-ins per account with a temporary lockout and Retry-After', async () => {
    const u = await newUser(t);
    for (let i = 0; i < 5; i++)
      expect((await login(u.email, 'wrong password here', `10.1.0.${i}`)).status).toBe(401);
    const locked = await login(u.email, 'wrong password here', '10.1.0.9');
    expect(locked.status).toBe(401);
    const blocked = await login(u.email, TEST_PASSWORD, '10.1.0.10');
    expect(blocked.status).toBe(429);
    expect(await code(blocked)).toBe('TOO_MANY_ATTEMPTS');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // another account from another address is unaffected
    const v = await newUser(t);
    expect((await login(v.email, TEST_PASSWORD, '10.1.0.11')).status).toBe(200);
  });

  it('throttles failed sign-ins per client address across accounts', async () => {
    for (let i = 0; i < 21; i++)
      await login(`spray-${i}@example.com`, 'wrong password here', '10.2.0.1');
    const u = await newUser(t);
    const res = await login(u.email, TEST_PASSWORD, '10.2.0.1');
    expect(res.status).toBe(429);
    expect((await login(u.email, TEST_PASSWORD, '10.2.0.2')).status).toBe(200);
  });

  it('updates the profile but never roles or ids (mass assignment)', async () => {
    const u = await newUser(t);
    const ok = await t.request(
      '/api/v1/auth/me',
      jsonBody({ displayName: '  Grace Hopper ' }, u.auth, 'PATCH'),
    );
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { displayName: string }).displayName).toBe('Grace Hopper');
    for (const body of [
      { roles: ['admin'] },
      { id: '00000000-0000-0000-0000-000000000000' },
      { emailVerified: true },
    ]) {
      const res = await t.request('/api/v1/auth/me', jsonBody(body, u.auth, 'PATCH'));
      expect(res.status).toBe(400);
    }
    const profile = (await (await me(u.accessToken)).json()) as { roles: string[] };
    expect(profile.roles).toEqual([]);
  });

  it('bootstraps the administrator from ADMIN_EMAIL/ADMIN_PASSWORD', async () => {
    const res = await login('root@example.com', 'a long admin passphrase');
    expect(res.status).toBe(200);
    const pair = (await res.json()) as Pair;
    const profile = (await (await me(pair.accessToken)).json()) as {
      roles: string[];
      permissions: string[];
    };
    expect(profile.roles).toEqual(['admin']);
    expect(profile.permissions).toContain('migrations:execute');
  });

  it('rotates the signing key while tokens signed with the old key keep working', async () => {
    const admin = await newUser(t, { roles: ['admin'] });
    const before = await newUser(t);
    const oldKid = jwt.decode(before.accessToken, { complete: true })!.header.kid;
    const res = await t.request('/api/v1/auth/keys/rotate', {
      method: 'POST',
      headers: admin.auth,
    });
    expect(res.status).toBe(201);
    const { kid } = (await res.json()) as { kid: string };
    expect(kid).not.toBe(oldKid);
    expect((await me(before.accessToken)).status).toBe(200);
    const after = await newUser(t);
    expect(jwt.decode(after.accessToken, { complete: true })!.header.kid).toBe(kid);
    expect((await me(after.accessToken)).status).toBe(200);
    const jwks = (await (await t.request('/.well-known/jwks.json')).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid, oldKid]));
  });

  it('keeps each application in a process on its own token verification', async () => {
    const other = await startTestApp();
    try {
      const here = await newUser(t);
      const there = await newUser(other);
      expect((await me(here.accessToken)).status).toBe(200);
      const onOther = await other.request('/api/v1/auth/me', { headers: there.auth });
      expect(onOther.status).toBe(200);
      const crossed = await other.request('/api/v1/auth/me', { headers: here.auth });
      expect(crossed.status).toBe(401);
    } finally {
      await other.close();
    }
    const after = await newUser(t);
    expect((await me(after.accessToken)).status).toBe(200);
  });

  it('keeps local accounts working when PUBLIC_URL (the issuer) changes', async () => {
    const u = await newUser(t);
    const moved = await startTestApp({
      DATABASE_URL: t.database.url,
      PUBLIC_URL: 'https://meridian.example.com',
      ENCRYPTION_KEYS: t.config
        .encryptionKeys!.map((k) => `${k.id}:${k.key.toString('base64')}`)
        .join(','),
    });
    try {
      const res = await moved.request(
        '/api/v1/auth/login',
        jsonBody({ email: u.email, password: TEST_PASSWORD }),
      );
      expect(res.status).toBe(200);
      const pair = (await res.json()) as Pair;
      expect(jwt.decode(pair.accessToken)).toMatchObject({
        iss: 'https://meridian.example.com',
        sub: u.id,
      });
      const profile = await moved.request('/api/v1/auth/me', {
        headers: { authorization: `Bearer ${pair.accessToken}` },
      });
      expect(profile.status).toBe(200);
      // a token from the old issuer URL is not one the moved deployment trusts
      expect((await moved.request('/api/v1/auth/me', { headers: u.auth })).status).toBe(401);
    } finally {
      await moved.close();
    }
  });
});
