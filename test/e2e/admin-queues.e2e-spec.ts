import { QueueName } from '../../src/queue/queue.constants.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { newUser, type TestUser } from '../support/accounts.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** Debian's chromium package (.ci/run installs it when missing). */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('queues dashboard (Bull Board at /admin/queues)', () => {
  let t: TestApp;
  let admin: TestUser;
  let browser: Browser | undefined;
  const session = async (user: TestUser) =>
    t.request('/api/v1/admin/queues/session', { method: 'POST', headers: user.auth });
  const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await newUser(t, { roles: ['admin'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses the dashboard without a session, and sessions to non-admins', async () => {
    const res = await fetch(`${t.baseUrl}/admin/queues`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('ADMIN_QUEUES_SESSION_REQUIRED');
    const user = await newUser(t);
    expect((await session(user)).status).toBe(403);
  });

  it('gives admins a strict, short-lived cookie scoped to the dashboard and useless elsewhere', async () => {
    const res = await session(admin);
    expect(res.status).toBe(200);
    const header = res.headers.get('set-cookie')!;
    expect(header).toMatch(/^meridian_queues=/);
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    expect(header).toContain('Path=/admin/queues');
    expect(Number(/Max-Age=(\d+)/.exec(header)![1])).toBeLessThanOrEqual(3600);
    const cookie = cookieOf(res);
    const api = await fetch(`${t.baseUrl}/admin/queues/api/queues`, { headers: { cookie } });
    // the body says why when the dashboard's API fails
    expect({
      status: api.status,
      body: api.status === 200 ? '' : await api.clone().text(),
    }).toEqual({
      status: 200,
      body: '',
    });
    const { queues } = (await api.json()) as { queues: { name: string }[] };
    expect(queues.map((q) => q.name).sort()).toEqual(Object.values(QueueName).sort());
    // not a credential for the API
    const elsewhere = await t.request('/api/v1/admin/users', { headers: { cookie } });
    expect(elsewhere.status).toBe(401);
    const asBearer = await t.request('/api/v1/admin/users', {
      headers: { authorization: `Bearer ${cookie.split('=').slice(1).join('=')}` },
    });
    expect(asBearer.status).toBe(401);
  });

  it('stops admitting the cookie once its admin is signed out', async () => {
    const other = await newUser(t, { roles: ['admin'] });
    const cookie = cookieOf(await session(other));
    expect(
      (await fetch(`${t.baseUrl}/admin/queues/api/queues`, { headers: { cookie } })).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100)); // a later second than the cookie's
    const out = await t.request(`/api/v1/admin/users/${other.id}/sign-out`, {
      method: 'POST',
      headers: admin.auth,
    });
    expect(out.status).toBe(204);
    expect(
      (await fetch(`${t.baseUrl}/admin/queues/api/queues`, { headers: { cookie } })).status,
    ).toBe(401);
  });

  it('works in a real browser: the admin opens a session, then the page lists the queues', async () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_FLAGS,
      timeout: 30_000,
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    const denied = await page.goto(`${t.baseUrl}/admin/queues`);
    expect(denied?.status()).toBe(401);
    // the admin's frontend trades its bearer token for the cookie, from a page of the same
    // origin (an HTML one: API answers carry `default-src 'none'`, which forbids fetching)
    await page.goto(`${t.baseUrl}/docs`);
    const status = await page.evaluate(async (token) => {
      const res = await fetch('/api/v1/admin/queues/session', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      return res.status;
    }, admin.accessToken);
    expect(status).toBe(200);
    const cookies = await page.context().cookies(`${t.baseUrl}/admin/queues`);
    expect(cookies.find((c) => c.name === 'meridian_queues')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/admin/queues',
    });
    const opened = await page.goto(`${t.baseUrl}/admin/queues`);
    expect(opened?.status()).toBe(200);
    for (const name of ['maintenance', 'mail', 'conversations', 'admin']) {
      await page.getByText(name, { exact: true }).first().waitFor();
    }
    expect(await page.title()).toContain('Meridian queues');
  }, 60_000);
});
