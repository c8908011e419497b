import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UsersService } from '../../src/users/users.service.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';
import { newUser } from '../support/accounts.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the request answers `status` (bounded: a notification takes milliseconds). */
async function eventually(fn: () => Promise<Response>, status: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < 40; i++) {
    const res = await fn();
    last = res.status;
    await res.arrayBuffer();
    if (last === status) return last;
    await sleep(50);
  }
  return last;
}

describe('identity without a database round trip, revocation at once', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const keys = `cache1:${randomBytes(32).toString('base64')}`;
    a = await startTestApp({ ENCRYPTION_KEYS: keys });
    // A second replica on the same database.
    b = await startTestApp({ DATABASE_URL: a.config.database.url!, ENCRYPTION_KEYS: keys });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const me = (t: TestApp, auth: { authorization: string }) =>
    t.request('/api/v1/auth/me', { headers: auth });

  it('reads the caller state once, then serves repeated requests without a query', async () => {
    const user = await newUser(a);
    const lookups = jest.spyOn(a.app.get(UsersService), 'callerState');
    try {
      expect((await me(a, user.auth)).status).toBe(200);
      const first = lookups.mock.calls.length;
      expect(first).toBe(1);
      for (let i = 0; i < 5; i++) expect((await me(a, user.auth)).status).toBe(200);
      expect(lookups.mock.calls.length).toBe(first);
    } finally {
      lookups.mockRestore();
    }
  });

  it('ends a session on this replica at the moment logout answers', async () => {
    const user = await newUser(a);
    expect((await me(a, user.auth)).status).toBe(200);
    const out = await a.request('/api/v1/auth/logout', { method: 'POST', headers: user.auth });
    expect(out.status).toBe(204);
    expect((await me(a, user.auth)).status).toBe(401);
  });

  it('ends a session on every other replica as soon as it commits', async () => {
    const user = await newUser(a);
    expect((await me(b, user.auth)).status).toBe(200);
    expect((await me(b, user.auth)).status).toBe(200);
    const out = await a.request('/api/v1/auth/logout-all', { method: 'POST', headers: user.auth });
    expect(out.status).toBe(204);
    expect(await eventually(() => me(b, user.auth), 401)).toBe(401);
  });

  it('refuses a disabled user everywhere, whoever changed the row', async () => {
    const user = await newUser(a);
    expect((await me(a, user.auth)).status).toBe(200);
    expect((await me(b, user.auth)).status).toBe(200);
    // Another process (an operator's SQL, another feature) disables the account.
    await a.app
      .get(DataSource)
      .query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [user.id]);
    expect(await eventually(() => me(a, user.auth), 401)).toBe(401);
    expect(await eventually(() => me(b, user.auth), 401)).toBe(401);
    const body = (await (await me(b, user.auth)).json()) as { code: string };
    expect(body.code).toBe('ACCOUNT_DISABLED');
  });

  it('sees a role granted by another replica', async () => {
    const user = await newUser(a);
    const roles = async (t: TestApp) =>
      ((await (await me(t, user.auth)).json()) as { roles: string[] }).roles;
    expect(await roles(b)).toEqual([]);
    await a.app.get(UsersService).update(user.id, { roles: ['premium'] });
    let seen: string[] = [];
    for (let i = 0; i < 40 && !seen.includes('premium'); i++) {
      seen = await roles(b);
      if (!seen.includes('premium')) await sleep(50);
    }
    expect(seen).toEqual(['premium']);
  });
});
