import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { parseSetCookie } from 'cookie';
import { DEVICE_COOKIE } from '../../src/auth/device-tokens.service.js';
import {
  ACCOUNT_ADDRESS_FREE_FAILURES,
  ACCOUNT_SLOWDOWN_AFTER,
  ADDRESS_FREE_FAILURES,
  DEVICE_FREE_FAILURES,
  LoginThrottle,
  MAX_ACCOUNT_DELAY_MS,
} from '../../src/auth/login-throttle.service.js';
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

  describe('sign-in throttling (device tokens after OWASP)', () => {
    const WRONG = 'wrong password here';
    const signIn = (
      email: string,
      password: string,
      ip: string,
      device: { cookie?: string; token?: string } = {},
    ) =>
      t.request(
        '/api/v1/auth/login',
        jsonBody(
          { email, password, ...(device.token ? { deviceToken: device.token } : {}) },
          {
            'x-forwarded-for': ip,
            ...(device.cookie ? { cookie: `${DEVICE_COOKIE}=${device.cookie}` } : {}),
          },
        ),
      );
    const fail = async (email: string, ip: string, times: number, device = {}) => {
      for (let i = 0; i < times; i++)
        expect((await signIn(email, WRONG, ip, device)).status).toBe(401);
    };
    const expectLockedOut = async (res: Response) => {
      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await code(res)).toBe('TOO_MANY_ATTEMPTS');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      return retryAfter;
    };
    /** Signs in and returns the device token, checking the cookie's attributes. */
    const knownDevice = async (email: string, ip: string) => {
      const res = await signIn(email, TEST_PASSWORD, ip);
      expect(res.status).toBe(200);
      const cookies = res.headers.getSetCookie().map((c) => parseSetCookie(c));
      const cookie = cookies.find((c) => c.name === DEVICE_COOKIE)!;
      expect(cookie).toMatchObject({
        httpOnly: true,
        sameSite: 'strict',
        path: '/api/v1/auth',
        maxAge: 180 * 86_400,
      });
      expect(cookie.secure).toBeFalsy(); // PUBLIC_URL is http here
      const body = (await res.json()) as { deviceToken: string };
      expect(body.deviceToken).toBe(cookie.value);
      return body.deviceToken;
    };

    it("locks out the attacker's address, not the owner signing in from another address", async () => {
      const u = await newUser(t);
      await fail(u.email, '10.1.0.1', ACCOUNT_ADDRESS_FREE_FAILURES + 1);
      const retryAfter = await expectLockedOut(await signIn(u.email, TEST_PASSWORD, '10.1.0.1'));
      expect(retryAfter).toBeLessThanOrEqual(30); // the first lockout is 30 s
      expect((await signIn(u.email, TEST_PASSWORD, '10.1.0.2')).status).toBe(200);
      // the owner's success does not lift the attacker's lockout
      await expectLockedOut(await signIn(u.email, WRONG, '10.1.0.1'));
    });

    it("lets the owner's known device in where the attacker locked the owner's own address", async () => {
      const u = await newUser(t);
      const token = await knownDevice(u.email, '10.3.0.1');
      await fail(u.email, '10.3.0.1', ACCOUNT_ADDRESS_FREE_FAILURES + 1);
      await expectLockedOut(await signIn(u.email, TEST_PASSWORD, '10.3.0.1'));

      const withCookie = await signIn(u.email, TEST_PASSWORD, '10.3.0.1', { cookie: token });
      expect(withCookie.status).toBe(200);
      expect(withCookie.headers.getSetCookie().join()).toContain(`${DEVICE_COOKIE}=`);
      const withBody = await signIn(u.email, TEST_PASSWORD, '10.3.0.1', { token });
      expect(withBody.status).toBe(200);

      // another account's token, or a forged one, is no device of this account
      const v = await newUser(t);
      const foreign = await knownDevice(v.email, '10.3.0.2');
      await expectLockedOut(await signIn(u.email, TEST_PASSWORD, '10.3.0.1', { cookie: foreign }));
      const forged = `${token.slice(0, -4)}AAAA`;
      await expectLockedOut(await signIn(u.email, TEST_PASSWORD, '10.3.0.1', { token: forged }));
    });

    it("counts a device's failures against that device only, then locks it out", async () => {
      const u = await newUser(t);
      const token = await knownDevice(u.email, '10.4.0.1');
      await fail(u.email, '10.4.0.1', DEVICE_FREE_FAILURES + 1, { cookie: token });
      // the device's failures did not lock the account at this address for other clients
      expect((await signIn(u.email, TEST_PASSWORD, '10.4.0.1')).status).toBe(200);
      // a locked-out device counts as an untrusted client: whoever holds it is locked out too
      await fail(u.email, '10.4.0.1', ACCOUNT_ADDRESS_FREE_FAILURES + 1, { cookie: token });
      await expectLockedOut(await signIn(u.email, TEST_PASSWORD, '10.4.0.1', { cookie: token }));
    });

    it('only slows down, never locks, an account guessed at from many addresses', async () => {
      const u = await newUser(t);
      for (let i = 0; i < ACCOUNT_SLOWDOWN_AFTER + 2; i++) await fail(u.email, `10.5.${i}.1`, 1);
      const throttle = t.app.get(LoginThrottle);
      const untrusted = await throttle.admit({ email: u.email, ip: '10.5.99.1' });
      expect(untrusted.trusted).toBe(false);
      expect(untrusted.delayMs).toBeGreaterThan(0);
      expect(untrusted.delayMs).toBeLessThanOrEqual(MAX_ACCOUNT_DELAY_MS);
      const device = await throttle.admit({ email: u.email, ip: '10.5.99.1', device: 'nonce' });
      expect(device).toEqual({ trusted: true, delayMs: 0 });
      expect((await signIn(u.email, TEST_PASSWORD, '10.5.99.1')).status).toBe(200);
    });

    it('counts a forwarded address that is not an IP address without failing', async () => {
      const u = await newUser(t);
      const junk = 'not-an-address-'.repeat(30);
      expect((await signIn(u.email, WRONG, junk)).status).toBe(401);
      expect((await signIn(u.email, TEST_PASSWORD, junk)).status).toBe(200);
    });

    it('locks out an address guessing across accounts, except known devices', async () => {
      const u = await newUser(t);
      const token = await knownDevice(u.email, '10.2.0.9');
      for (let i = 0; i < ADDRESS_FREE_FAILURES + 1; i++)
        await signIn(`spray-${i}@example.com`, WRONG, '10.2.0.1');
      await expectLockedOut(await signIn(u.email, TEST_PASSWORD, '10.2.0.1'));
      expect((await signIn(u.email, TEST_PASSWORD, '10.2.0.2')).status).toBe(200);
      const trusted = await signIn(u.email, TEST_PASSWORD, '10.2.0.1', { cookie: token });
      expect(trusted.status).toBe(200);
    });
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
