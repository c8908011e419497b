import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AccountsService } from '../../src/auth/accounts.service.js';
import { SessionsService, sha256 } from '../../src/auth/sessions.service.js';
import { MailOutboxService } from '../../src/mail/mail-outbox.service.js';
import { UserDeletionHooks } from '../../src/users/user-deletion-hooks.js';
import { LOCAL_ISSUER_KEY, UsersService } from '../../src/users/users.service.js';
import { jsonBody, newUser, TEST_PASSWORD, type TestUser } from '../support/accounts.js';
import { linkIn, SmtpSink, type SunkMail } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const APP_URL = 'https://app.meridian.test';
const PASSWORD = 'a perfectly fine passphrase 7';
const NEW_PASSWORD = 'another decent passphrase 8';

interface Pair {
  accessToken: string;
  refreshToken: string;
}
interface Problem {
  code: string;
  status: number;
}

const freshEmail = (tag = 'user') => `${tag}-${randomBytes(5).toString('hex')}@example.com`;
const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

/** HTTP helpers and mail waiting around one running app and its SMTP sink. */
function client(get: () => { t: TestApp; sink: SmtpSink }) {
  const post = (path: string, body: unknown, accessToken?: string) =>
    get().t.request(`/api/v1/auth/${path}`, jsonBody(body, accessToken ? bearer(accessToken) : {}));
  const h = {
    post,
    async expectProblem(res: Response, status: number, code: string) {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as Problem).code).toBe(code);
    },
    async signIn(email: string, password: string): Promise<Pair> {
      const res = await post('login', { email, password });
      expect(res.status).toBe(200);
      return (await res.json()) as Pair;
    },
    me: (accessToken: string) =>
      get().t.request('/api/v1/auth/me', { headers: bearer(accessToken) }),
    refresh: (refreshToken: string) => post('refresh', { refreshToken }),
    /** Runs `action`, then waits (bounded) for the next mail to `address`. */
    async mailAfter(address: string, action: () => Promise<unknown>): Promise<SunkMail> {
      const before = get().sink.to(address).length;
      await action();
      const mails = await get().sink.waitFor(address, before + 1);
      return mails[mails.length - 1];
    },
    /** Mails stored for `address` (sent or not): proves that none was ever attempted. */
    async outboxCount(address: string): Promise<number> {
      const page = await get().t.app.get(MailOutboxService).list(undefined, 100, address);
      return page.items.length;
    },
    sql: <T>(query: string, params: unknown[] = []): Promise<T[]> =>
      get().t.app.get(DataSource).query(query, params),
  };
  return h;
}

describe('local accounts: registration, verification, passwords, email, deletion', () => {
  let sink: SmtpSink;
  let t: TestApp;
  const c = client(() => ({ t, sink }));

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url,
      APP_URL,
      REGISTRATION_MODE: 'open',
      MAIL_PER_RECIPIENT_PER_HOUR: '100',
    });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  /** Registers, and returns the verification mail's token. */
  async function register(email: string, password = PASSWORD): Promise<string> {
    const mail = await c.mailAfter(email, async () => {
      expect((await c.post('register', { email, password })).status).toBe(202);
    });
    expect(mail.subject).toBe('Confirm your email address for Meridian');
    return linkIn(mail, '/verify-email').token;
  }

  const tokensValidAfter = async (userId: string) =>
    (
      await c.sql<{ at: Date | null }>('SELECT tokens_valid_after AS at FROM users WHERE id = $1', [
        userId,
      ])
    )[0].at;

  /** Clears the per-address failure counts that the throttle tests build up on 127.0.0.1. */
  const forgetAddressFailures = () =>
    c.sql(`DELETE FROM auth_login_attempts WHERE key LIKE 'ip:%'`);

  describe('register', () => {
    it('answers new and existing addresses identically and mails each what fits', async () => {
      const email = freshEmail();
      const first = await c.post('register', { email, password: PASSWORD, displayName: 'Ada' });
      const newMail = await sink.waitFor(email, 1);
      const again = await c.post('register', { email, password: NEW_PASSWORD });
      const mails = await sink.waitFor(email, 2);

      expect(first.status).toBe(202);
      expect(again.status).toBe(first.status);
      expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
      const [a, b] = [await first.text(), await again.text()];
      expect(b).toBe(a);
      expect(JSON.parse(a)).toEqual({ status: 'accepted' });

      const verify = linkIn(newMail[0], '/verify-email');
      expect(verify.url.origin + verify.url.pathname).toBe(`${APP_URL}/verify-email`);
      expect(verify.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const exists = mails.find((m) => m !== newMail[0])!;
      expect(exists.subject).toBe('Someone tried to sign up to Meridian with your email address');
      expect(exists.links).toContain(`${APP_URL}/forgot-password`);

      // The second registration changed nothing: the first password still signs in.
      await c.signIn(email, PASSWORD);
      await c.expectProblem(
        await c.post('login', { email, password: NEW_PASSWORD }),
        401,
        'INVALID_CREDENTIALS',
      );
    });

    it('creates an unverified account with the display name', async () => {
      const email = freshEmail();
      await c.mailAfter(email, () =>
        c.post('register', {
          email: email.toUpperCase(),
          password: PASSWORD,
          displayName: ' Ada ',
        }),
      );
      const { accessToken } = await c.signIn(email, PASSWORD);
      expect(await (await c.me(accessToken)).json()).toMatchObject({
        email,
        emailVerified: false,
        displayName: 'Ada',
        localAccount: true,
        roles: [],
      });
    });

    it('refuses a weak password with WEAK_PASSWORD before creating or mailing anything', async () => {
      const email = freshEmail('weak');
      for (const password of ['short', 'password123', email.split('@')[0]]) {
        await c.expectProblem(await c.post('register', { email, password }), 400, 'WEAK_PASSWORD');
      }
      expect(await c.outboxCount(email)).toBe(0);
      // No account was created: a good password now registers a new one (verification mail).
      await register(email);
    });

    it('rejects roles, emailVerified and other unknown fields (no mass assignment)', async () => {
      const email = freshEmail();
      for (const extra of [{ roles: ['admin'] }, { emailVerified: true }, { id: randomUUID() }]) {
        const res = await c.post('register', { email, password: PASSWORD, ...extra });
        await c.expectProblem(res, 400, 'VALIDATION_FAILED');
      }
      expect(await c.outboxCount(email)).toBe(0);
    });

    it('rejects roles in a profile update', async () => {
      const user = await newUser(t);
      const res = await t.request(
        '/api/v1/auth/me',
        jsonBody({ displayName: 'Eve', roles: ['admin'] }, user.auth, 'PATCH'),
      );
      await c.expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(await (await c.me(user.accessToken)).json()).toMatchObject({
        roles: [],
        displayName: 'Test User',
      });
    });
  });

  describe('email verification', () => {
    it('verifies with the mailed link once and only once', async () => {
      const email = freshEmail();
      const token = await register(email);
      const { accessToken } = await c.signIn(email, PASSWORD);
      expect((await c.post('verify-email', { token })).status).toBe(204);
      expect(await (await c.me(accessToken)).json()).toMatchObject({ emailVerified: true });
      await c.expectProblem(await c.post('verify-email', { token }), 400, 'ONE_TIME_TOKEN_INVALID');
    });

    it('lets exactly one of two concurrent uses of a link through', async () => {
      const token = await register(freshEmail());
      const statuses = await Promise.all(
        [1, 2].map(async () => (await c.post('verify-email', { token })).status),
      );
      expect(statuses.sort()).toEqual([204, 400]);
    });

    it("verifies only the account the link was issued to (A's token leaves B alone)", async () => {
      const [a, b] = [freshEmail('a'), freshEmail('b')];
      const tokenA = await register(a);
      await register(b);
      const meB = (await c.signIn(b, PASSWORD)).accessToken;
      const meA = (await c.signIn(a, PASSWORD)).accessToken;
      const userB = (await (await c.me(meB)).json()) as { id: string };
      const smuggled = await c.post('verify-email', { token: tokenA, userId: userB.id });
      await c.expectProblem(smuggled, 400, 'VALIDATION_FAILED');
      expect((await c.post('verify-email', { token: tokenA })).status).toBe(204);
      expect(await (await c.me(meA)).json()).toMatchObject({ emailVerified: true });
      expect(await (await c.me(meB)).json()).toMatchObject({ emailVerified: false });
    });

    it('resends a link on request, and the new link voids the older one', async () => {
      const email = freshEmail();
      const old = await register(email);
      const { accessToken } = await c.signIn(email, PASSWORD);
      const mail = await c.mailAfter(email, async () => {
        const res = await c.post('resend-verification', {}, accessToken);
        expect(res.status).toBe(202);
        expect(await res.json()).toEqual({ status: 'accepted' });
      });
      const fresh = linkIn(mail, '/verify-email').token;
      expect(fresh).not.toBe(old);
      await c.expectProblem(
        await c.post('verify-email', { token: old }),
        400,
        'ONE_TIME_TOKEN_INVALID',
      );
      expect((await c.post('verify-email', { token: fresh })).status).toBe(204);
    });

    it('needs a signed-in caller to resend', async () => {
      await c.expectProblem(await c.post('resend-verification', {}), 401, 'AUTH_REQUIRED');
    });

    it('refuses unknown, expired and wrong-purpose tokens', async () => {
      await c.expectProblem(
        await c.post('verify-email', { token: 'x'.repeat(43) }),
        400,
        'ONE_TIME_TOKEN_INVALID',
      );
      const email = freshEmail();
      const expired = await register(email);
      await c.sql(
        `UPDATE auth_one_time_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`,
        [sha256(expired)],
      );
      await c.expectProblem(
        await c.post('verify-email', { token: expired }),
        400,
        'ONE_TIME_TOKEN_INVALID',
      );

      const other = freshEmail();
      const verifyToken = await register(other);
      await c.expectProblem(
        await c.post('reset-password', { token: verifyToken, password: NEW_PASSWORD }),
        400,
        'ONE_TIME_TOKEN_INVALID',
      );
      await c.signIn(other, PASSWORD); // the password did not change
      expect((await c.post('verify-email', { token: verifyToken })).status).toBe(204);
    });
  });

  describe('forgotten password', () => {
    async function requestReset(email: string): Promise<string> {
      const mail = await c.mailAfter(email, async () => {
        expect((await c.post('forgot-password', { email })).status).toBe(202);
      });
      expect(mail.subject).toBe('Reset your Meridian password');
      expect(mail.text).toContain('expires in 30 minutes');
      return linkIn(mail, '/reset-password').token;
    }

    it('answers known and unknown addresses identically; only the known one gets a mail', async () => {
      const user = await newUser(t);
      const unknown = freshEmail('nobody');
      const known = await c.post('forgot-password', { email: user.email.toUpperCase() });
      const missing = await c.post('forgot-password', { email: unknown });
      expect(missing.status).toBe(known.status);
      expect(known.status).toBe(202);
      expect(await missing.text()).toBe(await known.text());
      const [mail] = await sink.waitFor(user.email);
      expect(linkIn(mail, '/reset-password').url.href).toMatch(
        new RegExp(`^${APP_URL}/reset-password\\?token=[A-Za-z0-9_-]{43}$`),
      );
      expect(await c.outboxCount(unknown)).toBe(0);
    });

    it('resets once, ends every session and access token, and mails a notice', async () => {
      const user = await newUser(t);
      const second = await c.signIn(user.email, user.password);
      const token = await requestReset(user.email);

      const notice = await c.mailAfter(user.email, async () => {
        const res = await c.post('reset-password', { token, password: NEW_PASSWORD });
        expect(res.status).toBe(204);
      });
      expect(notice.subject).toBe('Your Meridian password was changed');

      for (const refresh of [user.refreshToken, second.refreshToken]) {
        await c.expectProblem(await c.refresh(refresh), 401, 'REFRESH_TOKEN_INVALID');
      }
      for (const access of [user.accessToken, second.accessToken]) {
        await c.expectProblem(await c.me(access), 401, 'TOKEN_REVOKED');
      }
      expect(await tokensValidAfter(user.id)).not.toBeNull();
      await c.expectProblem(
        await c.post('login', { email: user.email, password: user.password }),
        401,
        'INVALID_CREDENTIALS',
      );
      const fresh = await c.signIn(user.email, NEW_PASSWORD);
      expect((await c.me(fresh.accessToken)).status).toBe(200);

      await c.expectProblem(
        await c.post('reset-password', { token, password: 'yet another passphrase 9' }),
        400,
        'ONE_TIME_TOKEN_INVALID',
      );
      await c.signIn(user.email, NEW_PASSWORD);
    });

    it('resets once when the link is used twice at the same time', async () => {
      const user = await newUser(t);
      const token = await requestReset(user.email);
      const passwords = [NEW_PASSWORD, 'the other new passphrase 10'];
      const statuses = await Promise.all(
        passwords.map(
          async (password) => (await c.post('reset-password', { token, password })).status,
        ),
      );
      expect([...statuses].sort()).toEqual([204, 400]);
      await c.signIn(user.email, passwords[statuses.indexOf(204)]);
    });

    it('voids an older reset link when a newer one is issued', async () => {
      const user = await newUser(t);
      const older = await requestReset(user.email);
      const newer = await requestReset(user.email);
      await c.expectProblem(
        await c.post('reset-password', { token: older, password: NEW_PASSWORD }),
        400,
        'ONE_TIME_TOKEN_INVALID',
      );
      expect(
        (await c.post('reset-password', { token: newer, password: NEW_PASSWORD })).status,
      ).toBe(204);
    });

    it('keeps the link usable when the new password is refused', async () => {
      const user = await newUser(t);
      const token = await requestReset(user.email);
      await c.expectProblem(
        await c.post('reset-password', { token, password: 'password' }),
        400,
        'WEAK_PASSWORD',
      );
      expect((await c.post('reset-password', { token, password: NEW_PASSWORD })).status).toBe(204);
    });

    it('lifts the sign-in lockout of the account', async () => {
      const user = await newUser(t);
      let last: Response | undefined;
      for (let i = 0; i < 7; i++) {
        last = await c.post('login', { email: user.email, password: 'wrong password 0' });
      }
      await c.expectProblem(last!, 429, 'TOO_MANY_ATTEMPTS');
      const token = await requestReset(user.email);
      expect((await c.post('reset-password', { token, password: NEW_PASSWORD })).status).toBe(204);
      await c.signIn(user.email, NEW_PASSWORD);
      await forgetAddressFailures();
    });

    it('issues links that expire: verification 24 h, reset 30 min, email change 1 h', async () => {
      const email = freshEmail();
      const verify = await register(email);
      const reset = await requestReset(email);
      const { accessToken } = await c.signIn(email, PASSWORD);
      const newEmail = freshEmail('moved');
      const mail = await c.mailAfter(newEmail, () =>
        c.post('me/email', { newEmail, password: PASSWORD }, accessToken),
      );
      const change = linkIn(mail, '/confirm-email').token;
      const ttl = async (token: string) => {
        const [row] = await c.sql<{ seconds: number }>(
          `SELECT extract(epoch FROM expires_at - created_at)::float AS seconds
             FROM auth_one_time_tokens WHERE token_hash = $1`,
          [sha256(token)],
        );
        return row.seconds;
      };
      expect(await ttl(verify)).toBeCloseTo(24 * 3600, -1);
      expect(await ttl(reset)).toBeCloseTo(30 * 60, -1);
      expect(await ttl(change)).toBeCloseTo(3600, -1);
    });
  });

  describe('change password', () => {
    it('needs the current password', async () => {
      const user = await newUser(t);
      const res = await c.post(
        'me/password',
        { currentPassword: 'not the password', newPassword: NEW_PASSWORD },
        user.accessToken,
      );
      await c.expectProblem(res, 401, 'INVALID_CREDENTIALS');
      expect((await c.me(user.accessToken)).status).toBe(200);
      await c.signIn(user.email, user.password);
      await forgetAddressFailures();
    });

    it('ends every session and returns a working pair for this client', async () => {
      const user = await newUser(t);
      const other = await c.signIn(user.email, user.password);
      const res = await c.post(
        'me/password',
        { currentPassword: user.password, newPassword: NEW_PASSWORD },
        user.accessToken,
      );
      expect(res.status).toBe(200);
      const pair = (await res.json()) as Pair & { tokenType: string };
      expect(pair.tokenType).toBe('Bearer');

      await c.expectProblem(await c.refresh(other.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
      await c.expectProblem(await c.me(other.accessToken), 401, 'TOKEN_REVOKED');
      await c.expectProblem(await c.me(user.accessToken), 401, 'TOKEN_REVOKED');
      expect(await tokensValidAfter(user.id)).not.toBeNull();
      expect((await c.me(pair.accessToken)).status).toBe(200);
      expect((await c.refresh(pair.refreshToken)).status).toBe(200);
      await c.signIn(user.email, NEW_PASSWORD);
      const [notice] = await sink.waitFor(user.email);
      expect(notice.subject).toBe('Your Meridian password was changed');
    });

    it('refuses a weak new password', async () => {
      const user = await newUser(t);
      const res = await c.post(
        'me/password',
        { currentPassword: user.password, newPassword: '12345678' },
        user.accessToken,
      );
      await c.expectProblem(res, 400, 'WEAK_PASSWORD');
      await c.signIn(user.email, user.password);
    });

    it('is refused for accounts without a local password', async () => {
      const id = await t.app.get(UsersService).provision({
        issuer: LOCAL_ISSUER_KEY,
        subject: `external-${randomBytes(4).toString('hex')}`,
        email: freshEmail('external'),
        name: 'External',
        emailVerified: true,
      });
      const user = (await t.app.get(UsersService).findById(id))!;
      const session = await t.app.get(SessionsService).start(id, { ip: '127.0.0.1' });
      const { accessToken } = await t.app.get(AccountsService).tokenPair(user, session);
      const attempts: [string, object][] = [
        ['me/password', { currentPassword: 'anything at all', newPassword: NEW_PASSWORD }],
        ['me/email', { newEmail: freshEmail(), password: 'anything at all' }],
        ['me/delete', { password: 'anything at all' }],
        ['resend-verification', {}],
      ];
      for (const [path, body] of attempts) {
        await c.expectProblem(await c.post(path, body, accessToken), 400, 'NOT_LOCAL_ACCOUNT');
      }
    });

    it('throttles guesses of the current password', async () => {
      const user = await newUser(t);
      let last: Response | undefined;
      for (let i = 0; i < 7; i++) {
        last = await c.post(
          'me/password',
          { currentPassword: `guess ${i} of the password`, newPassword: NEW_PASSWORD },
          user.accessToken,
        );
      }
      await c.expectProblem(last!, 429, 'TOO_MANY_ATTEMPTS');
      await forgetAddressFailures();
    });
  });

  describe('change email', () => {
    async function requestChange(
      user: { accessToken: string },
      newEmail: string,
      password = PASSWORD,
    ) {
      const mail = await c.mailAfter(newEmail, async () => {
        const res = await c.post('me/email', { newEmail, password }, user.accessToken);
        expect(res.status).toBe(202);
        expect(await res.json()).toEqual({ status: 'accepted' });
      });
      expect(mail.subject).toBe('Confirm your new email address for Meridian');
      return linkIn(mail, '/confirm-email').token;
    }

    it('needs the password and mails nothing without it', async () => {
      const user = await newUser(t);
      const newEmail = freshEmail('moved');
      const res = await c.post(
        'me/email',
        { newEmail, password: 'not the password' },
        user.accessToken,
      );
      await c.expectProblem(res, 401, 'INVALID_CREDENTIALS');
      expect(await c.outboxCount(newEmail)).toBe(0);
      await forgetAddressFailures();
    });

    it('changes the address only once the link is confirmed, and verifies it', async () => {
      const email = freshEmail();
      const verifyOld = await register(email);
      const resetOld = await c.mailAfter(email, () => c.post('forgot-password', { email }));
      const { accessToken } = await c.signIn(email, PASSWORD);
      const newEmail = freshEmail('moved');
      const token = await requestChange({ accessToken }, newEmail);

      expect(await (await c.me(accessToken)).json()).toMatchObject({ email });
      await c.signIn(email, PASSWORD);

      expect((await c.post('confirm-email-change', { token })).status).toBe(204);
      expect(await (await c.me(accessToken)).json()).toMatchObject({
        email: newEmail,
        emailVerified: true,
      });
      await c.signIn(newEmail, PASSWORD);
      await c.expectProblem(
        await c.post('login', { email, password: PASSWORD }),
        401,
        'INVALID_CREDENTIALS',
      );
      await c.expectProblem(
        await c.post('confirm-email-change', { token }),
        400,
        'ONE_TIME_TOKEN_INVALID',
      );
      // Links mailed to the old address no longer act on the account.
      await c.expectProblem(
        await c.post('verify-email', { token: verifyOld }),
        400,
        'ONE_TIME_TOKEN_INVALID',
      );
      const resetToken = linkIn(resetOld, '/reset-password').token;
      await c.expectProblem(
        await c.post('reset-password', { token: resetToken, password: NEW_PASSWORD }),
        400,
        'ONE_TIME_TOKEN_INVALID',
      );
      await forgetAddressFailures();
    });

    it('answers a taken address the same, and refuses the confirmation while it is taken', async () => {
      const user = await newUser(t);
      const holder = await newUser(t);
      const untaken = freshEmail('free');
      const free = await c.post(
        'me/email',
        { newEmail: untaken, password: user.password },
        user.accessToken,
      );
      const token = await requestChange(user, holder.email, user.password);
      expect(free.status).toBe(202);
      expect(await free.json()).toEqual({ status: 'accepted' });

      await c.expectProblem(await c.post('confirm-email-change', { token }), 409, 'EMAIL_TAKEN');
      expect(await (await c.me(user.accessToken)).json()).toMatchObject({ email: user.email });

      // Once the address is free again, the same link still works.
      const del = await c.post('me/delete', { password: holder.password }, holder.accessToken);
      expect(del.status).toBe(204);
      expect((await c.post('confirm-email-change', { token })).status).toBe(204);
      expect(await (await c.me(user.accessToken)).json()).toMatchObject({ email: holder.email });
    });

    it('voids an older email-change link when a newer one is issued', async () => {
      const user = await newUser(t);
      const older = await requestChange(user, freshEmail('first'), user.password);
      const target = freshEmail('second');
      const newer = await requestChange(user, target, user.password);
      await c.expectProblem(
        await c.post('confirm-email-change', { token: older }),
        400,
        'ONE_TIME_TOKEN_INVALID',
      );
      expect((await c.post('confirm-email-change', { token: newer })).status).toBe(204);
      expect(await (await c.me(user.accessToken)).json()).toMatchObject({ email: target });
    });
  });

  describe('delete account', () => {
    const seen: { userId: string; inTransaction: boolean; userRowPresent: boolean }[] = [];
    let doomed = '';

    beforeAll(() => {
      t.app.get(UserDeletionHooks).register('accounts-e2e', {
        async onUserDeleted(userId: string, manager: EntityManager) {
          const rows: unknown[] = await manager.query('SELECT 1 FROM users WHERE id = $1', [
            userId,
          ]);
          seen.push({
            userId,
            inTransaction: manager.queryRunner?.isTransactionActive === true,
            userRowPresent: rows.length === 1,
          });
          if (userId === doomed) throw new Error('hook failed on purpose');
        },
      });
    });

    async function countRows(userId: string) {
      const [row] = await c.sql<{ sessions: number; refresh: number; tokens: number }>(
        `SELECT (SELECT count(*) FROM auth_sessions WHERE user_id = $1)::int AS sessions,
                (SELECT count(*) FROM auth_refresh_tokens r JOIN auth_sessions s ON s.id = r.session_id
                  WHERE s.user_id = $1)::int AS refresh,
                (SELECT count(*) FROM auth_one_time_tokens WHERE user_id = $1)::int AS tokens`,
        [userId],
      );
      return row;
    }

    it('needs the password', async () => {
      const user = await newUser(t);
      await c.expectProblem(
        await c.post('me/delete', { password: 'not the password' }, user.accessToken),
        401,
        'INVALID_CREDENTIALS',
      );
      expect((await c.me(user.accessToken)).status).toBe(200);
      await forgetAddressFailures();
    });

    it('removes the user, their sessions and tokens, and runs the hooks in the transaction', async () => {
      const user: TestUser = await newUser(t);
      await c.mailAfter(user.email, () => c.post('forgot-password', { email: user.email }));
      expect(await countRows(user.id)).toEqual({ sessions: 1, refresh: 1, tokens: 1 });
      const failures = () =>
        c.sql('SELECT key FROM auth_login_attempts WHERE account = $1', [user.email]);
      await c.post('login', { email: user.email, password: 'wrong password 0' });
      expect(await failures()).toHaveLength(2); // the account, and the account from here

      const res = await c.post('me/delete', { password: user.password }, user.accessToken);
      expect(res.status).toBe(204);
      expect(await failures()).toHaveLength(0);

      expect(seen).toContainEqual({ userId: user.id, inTransaction: true, userRowPresent: true });
      expect(await countRows(user.id)).toEqual({ sessions: 0, refresh: 0, tokens: 0 });
      expect(await c.sql('SELECT 1 FROM users WHERE id = $1', [user.id])).toHaveLength(0);
      expect(
        await c.sql('SELECT 1 FROM mail_messages WHERE recipient = $1', [user.email]),
      ).toHaveLength(0);
      await c.expectProblem(
        await c.post('login', { email: user.email, password: user.password }),
        401,
        'INVALID_CREDENTIALS',
      );
      expect((await c.me(user.accessToken)).status).toBe(401);
      expect((await c.refresh(user.refreshToken)).status).toBe(401);
      await forgetAddressFailures();
    });

    it('keeps the account when a hook fails', async () => {
      const user = await newUser(t);
      doomed = user.id;
      const res = await c.post('me/delete', { password: user.password }, user.accessToken);
      expect(res.status).toBe(500);
      expect((await c.me(user.accessToken)).status).toBe(200);
      expect(await countRows(user.id)).toMatchObject({ sessions: 1, refresh: 1 });
      await c.signIn(user.email, TEST_PASSWORD);
    });
  });
});

describe('registration by waitlist', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: TestUser;
  const c = client(() => ({ t, sink }));

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url,
      APP_URL,
      REGISTRATION_MODE: 'waitlist',
      MAIL_PER_RECIPIENT_PER_HOUR: '100',
    });
    admin = await newUser(t, { roles: ['admin'] });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  interface Entry {
    id: string;
    email: string;
    status: string;
    decidedBy: string | null;
    userId: string | null;
  }
  const list = async (query = '') => {
    const res = await t.request(`/api/v1/auth/waitlist${query}`, { headers: admin.auth });
    expect(res.status).toBe(200);
    return (await res.json()) as { items: Entry[]; nextCursor: string | null };
  };
  const entryOf = async (email: string) =>
    (await list('?limit=100')).items.find((e) => e.email === email)!;
  const decide = (id: string, verdict: 'approve' | 'reject', token = admin.accessToken) =>
    c.post(`waitlist/${id}/${verdict}`, {}, token);

  it('puts registrations on the waitlist, answering duplicates the same, and creates no account', async () => {
    const email = freshEmail('wait');
    const first = await c.post('register', { email, password: PASSWORD });
    const again = await c.post('register', { email, password: NEW_PASSWORD });
    const joined = await c.post('waitlist', { email });
    for (const res of [first, again, joined]) {
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ status: 'accepted' });
    }
    const mails = await sink.waitFor(email, 1);
    expect(mails[0].subject).toBe('You are on the Meridian waitlist');
    await c.expectProblem(
      await c.post('login', { email, password: PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
    const entries = (await list('?limit=100')).items.filter((e) => e.email === email);
    expect(entries).toHaveLength(1);
    expect(entries[0].status).toBe('pending');
  });

  it('still refuses weak passwords and unknown fields on register', async () => {
    const email = freshEmail('wait');
    await c.expectProblem(
      await c.post('register', { email, password: 'qwerty' }),
      400,
      'WEAK_PASSWORD',
    );
    await c.expectProblem(
      await c.post('register', { email, password: PASSWORD, roles: ['admin'] }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await c.outboxCount(email)).toBe(0);
  });

  it('lets only administrators list and decide', async () => {
    const user = await newUser(t);
    const res = await t.request('/api/v1/auth/waitlist', { headers: user.auth });
    await c.expectProblem(res, 403, 'MISSING_ROLE');
    await c.post('waitlist', { email: freshEmail('wait') });
    const entry = (await list('?status=pending')).items[0];
    await c.expectProblem(await decide(entry.id, 'approve', user.accessToken), 403, 'MISSING_ROLE');
    await c.expectProblem(await t.request('/api/v1/auth/waitlist'), 401, 'AUTH_REQUIRED');
  });

  it('pages through entries oldest first and filters by status', async () => {
    const emails = [freshEmail('page'), freshEmail('page'), freshEmail('page')];
    for (const email of emails) await c.post('waitlist', { email });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?status=pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.email));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((e) => emails.includes(e))).toEqual(emails);
    const rejected = await entryOf(emails[0]);
    expect((await decide(rejected.id, 'reject')).status).toBe(200);
    const pending = await list('?status=pending&limit=100');
    expect(pending.items.map((e) => e.email)).not.toContain(emails[0]);
    expect(pending.items.every((e) => e.status === 'pending')).toBe(true);
    expect((await list('?status=rejected')).items.map((e) => e.email)).toContain(emails[0]);
    await c.expectProblem(
      await t.request('/api/v1/auth/waitlist?status=maybe', { headers: admin.auth }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('approves with an invitation that creates the verified account once', async () => {
    const email = freshEmail('invitee');
    await c.post('waitlist', { email });
    await sink.waitFor(email, 1);
    const entry = await entryOf(email);

    const invite = await c.mailAfter(email, async () => {
      const res = await decide(entry.id, 'approve');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        id: entry.id,
        status: 'approved',
        decidedBy: admin.id,
      });
    });
    expect(invite.subject).toBe('Test User invited you to Meridian');
    const { url, token } = linkIn(invite, '/accept-invite');
    expect(url.origin).toBe(APP_URL);

    await c.expectProblem(await decide(entry.id, 'approve'), 409, 'WAITLIST_ENTRY_DECIDED');
    await c.expectProblem(await decide(entry.id, 'reject'), 409, 'WAITLIST_ENTRY_DECIDED');

    await c.expectProblem(
      await c.post('accept-invite', { token, password: 'password1' }),
      400,
      'WEAK_PASSWORD',
    );
    const accepted = await c.post('accept-invite', {
      token,
      password: PASSWORD,
      displayName: 'Grace',
    });
    expect(accepted.status).toBe(201);
    const pair = (await accepted.json()) as Pair;
    expect(await (await c.me(pair.accessToken)).json()).toMatchObject({
      email,
      emailVerified: true,
      displayName: 'Grace',
      roles: [],
    });
    await c.signIn(email, PASSWORD);
    expect(await entryOf(email)).toMatchObject({ status: 'accepted' });

    await c.expectProblem(
      await c.post('accept-invite', { token, password: NEW_PASSWORD }),
      400,
      'ONE_TIME_TOKEN_INVALID',
    );
    await c.expectProblem(
      await c.post('login', { email, password: NEW_PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('refuses an invitation whose address got an account meanwhile, keeping the link', async () => {
    const email = freshEmail('invitee');
    await c.post('waitlist', { email });
    await sink.waitFor(email, 1);
    const invite = await c.mailAfter(
      email,
      async () => (await decide((await entryOf(email)).id, 'approve')).status,
    );
    const { token } = linkIn(invite, '/accept-invite');
    const holder = await newUser(t, { email });
    await c.expectProblem(
      await c.post('accept-invite', { token, password: PASSWORD }),
      409,
      'EMAIL_TAKEN',
    );
    expect(
      (await c.post('me/delete', { password: holder.password }, holder.accessToken)).status,
    ).toBe(204);
    expect((await c.post('accept-invite', { token, password: PASSWORD })).status).toBe(201);
  });

  it('invitations last 7 days', async () => {
    const email = freshEmail('invitee');
    await c.post('waitlist', { email });
    await sink.waitFor(email, 1);
    const entry = await entryOf(email);
    const invite = await c.mailAfter(email, () => decide(entry.id, 'approve'));
    const [row] = await c.sql<{ seconds: number }>(
      `SELECT extract(epoch FROM expires_at - created_at)::float AS seconds
         FROM auth_one_time_tokens WHERE token_hash = $1`,
      [sha256(linkIn(invite, '/accept-invite').token)],
    );
    expect(row.seconds).toBeCloseTo(7 * 24 * 3600, -1);
  });

  it('rejects with a mail, once', async () => {
    const email = freshEmail('rejected');
    await c.post('waitlist', { email });
    await sink.waitFor(email, 1);
    const entry = await entryOf(email);
    const mail = await c.mailAfter(email, async () => {
      const res = await decide(entry.id, 'reject');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'rejected' });
    });
    expect(mail.subject).toBe('Your Meridian waitlist request');
    await c.expectProblem(await decide(entry.id, 'reject'), 409, 'WAITLIST_ENTRY_DECIDED');
    await c.expectProblem(await decide(entry.id, 'approve'), 409, 'WAITLIST_ENTRY_DECIDED');
  });

  it('answers 404 for an unknown entry and 400 for a malformed id', async () => {
    await c.expectProblem(await decide(randomUUID(), 'approve'), 404, 'WAITLIST_ENTRY_NOT_FOUND');
    await c.expectProblem(await decide(randomUUID(), 'reject'), 404, 'WAITLIST_ENTRY_NOT_FOUND');
    await c.expectProblem(await decide('not-a-uuid', 'approve'), 400, 'VALIDATION_FAILED');
  });

  it('mails an existing account holder instead of listing them', async () => {
    const user = await newUser(t);
    const res = await c.post('register', { email: user.email, password: PASSWORD });
    expect(res.status).toBe(202);
    const [mail] = await sink.waitFor(user.email, 1);
    expect(mail.subject).toBe('Someone tried to sign up to Meridian with your email address');
    expect((await list('?limit=100')).items.map((e) => e.email)).not.toContain(user.email);
  });
});

describe('closed registration', () => {
  let t: TestApp;
  const c = client(() => ({ t, sink: undefined as unknown as SmtpSink }));

  beforeAll(async () => {
    t = await startTestApp({ REGISTRATION_MODE: 'closed' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses registration and the waitlist with 403 REGISTRATION_CLOSED', async () => {
    const email = freshEmail('closed');
    await c.expectProblem(
      await c.post('register', { email, password: PASSWORD }),
      403,
      'REGISTRATION_CLOSED',
    );
    await c.expectProblem(await c.post('waitlist', { email }), 403, 'REGISTRATION_CLOSED');
    expect(await c.outboxCount(email)).toBe(0);
  });
});
