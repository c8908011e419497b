import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp, testServerUrl, type TestApp } from '../setup/test-app.js';
import { createDatabaseFromTemplate, dropDatabase, withDatabase } from '../setup/test-database.js';
import { newUser, type TestUser } from '../support/accounts.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { startKeycloakMock, type KeycloakMock } from '../support/keycloak-mock.js';

interface Problem {
  status: number;
  code: string;
}

async function expectUnavailable(res: Response, code: string): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  const body = (await res.json()) as Problem;
  expect(body).toMatchObject({ status: 503, code });
}

/** Fails the test if the server holds the request open instead of answering. */
const answered = () => ({ signal: AbortSignal.timeout(15_000) });
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('while PostgreSQL is unreachable', () => {
  const serverUrl = testServerUrl();
  let databaseName: string;
  let proxy: TcpProxy;
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    databaseName = await createDatabaseFromTemplate(serverUrl, process.env.MERIDIAN_TEST_TEMPLATE!);
    proxy = TcpProxy.forUrl(serverUrl, 5432);
    await proxy.start();
    t = await startTestApp({
      DATABASE_URL: proxy.rewrite(withDatabase(serverUrl, databaseName)),
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
    });
    user = await newUser(t);
  });
  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.stop();
    await dropDatabase(serverUrl, databaseName);
  });

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After, never 401 or 500, and recovers', async () => {
    expect((await t.request('/api/v1/auth/me', { headers: user.auth })).status).toBe(200);
    await proxy.cut();

    // A valid token stays valid: the guard cannot check, so it says so.
    await expectUnavailable(
      await t.request('/api/v1/auth/me', { headers: user.auth, ...answered() }),
      'DATABASE_UNAVAILABLE',
    );
    await expectUnavailable(
      await t.request('/api/v1/conversations', { headers: user.auth, ...answered() }),
      'DATABASE_UNAVAILABLE',
    );
    await expectUnavailable(
      await t.request(
        '/api/v1/auth/login',
        json({ email: user.email, password: user.password }, {}),
      ),
      'DATABASE_UNAVAILABLE',
    );
    // A bad token is still a bad token.
    const forged = await t.request('/api/v1/auth/me', {
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect(forged.status).toBe(401);
    expect((await t.request('/health/ready', answered())).status).toBe(503);
    expect((await t.request('/health/live')).status).toBe(200);

    await proxy.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await t.request('/api/v1/auth/me', { headers: user.auth })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});

describe('while the identity provider cannot be reached', () => {
  let kc: KeycloakMock;
  let t: TestApp;
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
    await kc.stop().catch(() => undefined);
  });

  it('answers 503 IDENTITY_PROVIDER_UNAVAILABLE for a token whose key it cannot fetch, not 401', async () => {
    const token = await kc.token({ sub: 'kc-outage', email: 'outage@example.com' });
    await kc.stop();
    const res = await t.request('/api/v1/auth/me', {
      headers: { authorization: `Bearer ${token}` },
      ...answered(),
    });
    await expectUnavailable(res, 'IDENTITY_PROVIDER_UNAVAILABLE');
  });
});

// Enqueueing on Redis: this suite needs a Redis (CI runs the suites once with
// TEST_REDIS_URL); on the PostgreSQL job backend the database outage above covers it.
const withRedis = process.env.TEST_REDIS_URL ? describe : describe.skip;

withRedis('while Redis is unreachable', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let user: TestUser;
  let db: DataSource;

  beforeAll(async () => {
    proxy = TcpProxy.forUrl(process.env.TEST_REDIS_URL!, 6379);
    await proxy.start();
    t = await startTestApp({ REDIS_URL: proxy.rewrite(process.env.TEST_REDIS_URL!) });
    user = await newUser(t);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.stop();
  });

  const mailsTo = (email: string) =>
    db.query<{ status: string; last_error: string | null }[]>(
      `SELECT status, last_error FROM mail_messages WHERE recipient = $1 ORDER BY created_at`,
      [email],
    );

  it('fails enqueueing fast with 503 QUEUE_UNAVAILABLE, reports nothing as sent, and processes work after Redis returns', async () => {
    await proxy.cut();
    const started = Date.now();
    const res = await t.request('/api/v1/auth/forgot-password', {
      ...json({ email: user.email }),
      ...answered(),
    });
    await expectUnavailable(res, 'QUEUE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(10_000);
    const [failed] = await mailsTo(user.email);
    expect(failed.status).toBe('failed');

    await proxy.restore();
    let accepted = 0;
    for (let i = 0; i < 50 && accepted !== 202; i++) {
      accepted = (await t.request('/api/v1/auth/forgot-password', json({ email: user.email })))
        .status;
      if (accepted !== 202) await new Promise((r) => setTimeout(r, 200));
    }
    expect(accepted).toBe(202);
    let delivered = false;
    for (let i = 0; i < 100 && !delivered; i++) {
      delivered = (await mailsTo(user.email)).some((m) => m.status === 'logged');
      if (!delivered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(delivered).toBe(true);
    // The mail refused during the outage stays failed: it was never reported as sent.
    expect((await mailsTo(user.email))[0].status).toBe('failed');
  });
});
