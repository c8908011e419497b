import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { ConnectionHealthService } from '../../src/connections/connection-health.service.js';
import { JobRegistry } from '../../src/queue/job-registry.js';
import { QueueProducer } from '../../src/queue/queue-producer.service.js';
import { QueueName } from '../../src/queue/queue.constants.js';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { GitHubPeer } from '../support/github-peer.js';
import { SlackPeer } from '../support/slack-peer.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface Connection {
  id: string;
  organizationId: string;
  service: string;
  name: string;
  status: string;
  statusReason: string | null;
  externalId: string | null;
  settings: Record<string, unknown>;
  credential: {
    kind: string;
    hasSecret: boolean;
    last4: string | null;
    expiresAt: string | null;
  } | null;
  lastHealth: {
    outcome: string;
    code: string | null;
    rateLimit: { remaining: number } | null;
  } | null;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Problem {
  status: number;
  code: string;
  detail: string;
  allowed?: string[];
}
interface Event {
  from: string | null;
  to: string;
  cause: string;
  reason: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last) && Date.now() < until) {
    await sleep(100);
    last = await probe();
  }
  return last;
}

const WEBHOOK_SECRET = 'gh-webhook-secret-for-tests';
const SIGNING_SECRET = 'slack-signing-secret-for-tests';

describe('service connections', () => {
  let t: TestApp;
  const github = new GitHubPeer();
  const slack = new SlackPeer();
  const logs: string[] = [];
  const responses: string[] = [];
  const secrets: string[] = [];

  beforeAll(async () => {
    await Promise.all([github.start(), slack.start()]);
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    t = await startTestApp(
      {
        LOG_LEVEL: 'debug',
        APP_URL: '',
        GITHUB_API_URL: github.url,
        GITHUB_WEB_URL: 'https://github.example',
        GITHUB_APP_ID: github.appId,
        GITHUB_APP_SLUG: 'meridian-test',
        GITHUB_APP_PRIVATE_KEY: github.privateKeyPem,
        GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SLACK_API_URL: slack.url,
        SLACK_WEB_URL: 'https://slack.example',
        SLACK_CLIENT_ID: slack.clientId,
        SLACK_CLIENT_SECRET: slack.clientSecret,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        CONNECTION_HEALTH_REFRESH_MIN_MS: '1500',
        CONNECTION_HEALTH_JITTER_MS: '0',
        CONNECTION_HEALTH_INTERVAL_MS: '3600000',
        CONNECTION_REQUEST_TIMEOUT_MS: '3000',
        WEBHOOK_BODY_LIMIT_BYTES: '65536',
        RATE_LIMIT_MAX: '0',
      },
      [],
      { logStream },
    );
    secrets.push(slack.clientSecret, WEBHOOK_SECRET, SIGNING_SECRET);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([github.stop(), slack.stop()]);
  });

  async function api(
    user: TestUser | null,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Response> {
    const headers = user ? user.auth : {};
    const res = await t.request(
      `/api/v1${path}`,
      body === undefined ? { method, headers } : jsonBody(body, headers, method),
    );
    const text = await res.clone().text();
    responses.push(text);
    return res;
  }

  async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
    const body = (await res.json()) as Problem;
    expect({ status: res.status, code: body.code }).toEqual({ status, code });
    return body;
  }

  async function team() {
    const owner = await newUser(t);
    const member = await newUser(t);
    const stranger = await newUser(t);
    const res = await api(owner, 'POST', '/organizations', { name: 'Acme' });
    const org = (await res.json()) as { id: string };
    expect(
      (
        await api(owner, 'POST', `/organizations/${org.id}/members`, {
          email: member.email,
          role: 'member',
        })
      ).status,
    ).toBe(201);
    return { owner, member, stranger, orgId: org.id };
  }

  async function createGitHubToken(
    owner: TestUser,
    orgId: string,
  ): Promise<{ connection: Connection; token: string }> {
    const token = github.addUserToken('octocat', 'repo, read:org', [
      github.repo(77, 'octocat/hello'),
      github.repo(78, 'octocat/world'),
    ]);
    secrets.push(token);
    const res = await api(owner, 'POST', '/connections', {
      organizationId: orgId,
      service: 'github',
      name: 'Octocat',
      credentials: { kind: 'github_token', token },
    });
    expect(res.status).toBe(201);
    return { connection: (await res.json()) as Connection, token };
  }

  let nextInstallation = 1000;
  async function createInstallation(
    owner: TestUser,
    orgId: string,
    repos = 3,
  ): Promise<Connection> {
    const installationId = nextInstallation++;
    github.addInstallation(installationId, repos);
    const res = await api(owner, 'POST', '/connections', {
      organizationId: orgId,
      service: 'github',
      name: 'Acme on GitHub',
      credentials: { kind: 'github_app_installation', installationId },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Connection;
  }

  const getConnection = async (user: TestUser, id: string) =>
    (await (await api(user, 'GET', `/connections/${id}`)).json()) as Connection;
  const events = async (user: TestUser, id: string) =>
    ((await (await api(user, 'GET', `/connections/${id}/events?limit=100`)).json()) as Page<Event>)
      .items;
  const check = (id: string) => t.app.get(ConnectionHealthService).check(id);

  describe('creating connections', () => {
    it('checks a GitHub token with the user call, records its scopes and never answers the token', async () => {
      const { owner, orgId } = await team();
      const { connection, token } = await createGitHubToken(owner, orgId);
      expect(connection).toMatchObject({
        service: 'github',
        status: 'active',
        externalId: null,
        settings: { login: 'octocat', scopes: ['repo', 'read:org'] },
        credential: { kind: 'github_token', hasSecret: true, last4: token.slice(-4) },
        lastHealth: { outcome: 'pass', rateLimit: { remaining: 4987 } },
      });
      expect(JSON.stringify(connection)).not.toContain(token.slice(0, -4));
      const stored = await t.app
        .get(DataSource)
        .query<{ secret_encrypted: string }[]>(
          `SELECT secret_encrypted FROM service_credentials WHERE connection_id = $1`,
          [connection.id],
        );
      expect(stored[0].secret_encrypted).not.toContain(token);
      const repos = await eventually(
        async () =>
          (await (
            await api(owner, 'GET', `/connections/${connection.id}/repositories`)
          ).json()) as Page<{ fullName: string }>,
        (p) => p.items.length === 2,
      );
      expect(repos.items.map((r) => r.fullName)).toEqual(['octocat/hello', 'octocat/world']);
    });

    it('turns an App installation id into an installation token and syncs its repositories page by page', async () => {
      const { owner, orgId } = await team();
      const connection = await createInstallation(owner, orgId, 150);
      expect(connection).toMatchObject({
        status: 'active',
        externalId: String(nextInstallation - 1),
        credential: { kind: 'github_app_installation', hasSecret: true, last4: null },
      });
      expect(github.jwtRefusals).toEqual([]);
      const sync = await api(owner, 'POST', `/connections/${connection.id}/repositories/sync`);
      expect(sync.status).toBe(200);
      expect(await sync.json()).toMatchObject({ total: 150, deactivated: 0 });
      const first = (await (
        await api(owner, 'GET', `/connections/${connection.id}/repositories?limit=100`)
      ).json()) as Page<{ fullName: string }>;
      expect(first.items).toHaveLength(100);
      const second = (await (
        await api(
          owner,
          'GET',
          `/connections/${connection.id}/repositories?limit=100&cursor=${first.nextCursor}`,
        )
      ).json()) as Page<{ fullName: string }>;
      expect(second.items).toHaveLength(50);
      expect(second.nextCursor).toBeNull();
    });

    it('checks a Slack bot token with auth.test', async () => {
      const { owner, orgId } = await team();
      const token = slack.addBotToken('TACME1', 'Acme');
      secrets.push(token);
      const res = await api(owner, 'POST', '/connections', {
        organizationId: orgId,
        service: 'slack',
        name: 'Acme Slack',
        credentials: { kind: 'slack_bot_token', token },
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({
        status: 'active',
        externalId: 'TACME1',
        settings: { team: 'Acme' },
      });
    });

    it('answers 422 for a refused credential and 503 for an unreachable or rate-limited service, storing nothing', async () => {
      const { owner, orgId } = await team();
      const body = (credentials: unknown, service = 'github') => ({
        organizationId: orgId,
        service,
        name: 'x',
        credentials,
      });
      await expectProblem(
        await api(
          owner,
          'POST',
          '/connections',
          body({ kind: 'github_token', token: 'ghp_not_a_real_token' }),
        ),
        422,
        'CREDENTIAL_REJECTED',
      );
      await expectProblem(
        await api(
          owner,
          'POST',
          '/connections',
          body({ kind: 'github_app_installation', installationId: 999999 }),
        ),
        422,
        'CREDENTIAL_REJECTED',
      );
      await expectProblem(
        await api(
          owner,
          'POST',
          '/connections',
          body({ kind: 'slack_bot_token', token: 'xoxb-unknown-token' }, 'slack'),
        ),
        422,
        'CREDENTIAL_REJECTED',
      );
      const token = github.addUserToken('someone');
      github.mode = 'down';
      try {
        await expectProblem(
          await api(owner, 'POST', '/connections', body({ kind: 'github_token', token })),
          503,
          'SERVICE_UNAVAILABLE_UPSTREAM',
        );
        github.mode = 'secondary';
        const limited = await api(
          owner,
          'POST',
          '/connections',
          body({ kind: 'github_token', token }),
        );
        expect(limited.headers.get('retry-after')).toBe(String(github.retryAfterSeconds));
        await expectProblem(limited, 503, 'GITHUB_RATE_LIMITED');
      } finally {
        github.mode = 'ok';
      }
      slack.mode = 'down';
      try {
        await expectProblem(
          await api(
            owner,
            'POST',
            '/connections',
            body({ kind: 'slack_bot_token', token: 'xoxb-whatever-1' }, 'slack'),
          ),
          503,
          'SERVICE_UNAVAILABLE_UPSTREAM',
        );
      } finally {
        slack.mode = 'ok';
      }
      const list = (await (
        await api(owner, 'GET', `/organizations/${orgId}/connections`)
      ).json()) as Page<Connection>;
      expect(list.items).toEqual([]);
    });

    it('rejects an unknown service, a wrong kind for the service, malformed ids and extra fields', async () => {
      const { owner, orgId } = await team();
      const token = github.addUserToken('x');
      await expectProblem(
        await api(owner, 'POST', '/connections', {
          organizationId: orgId,
          service: 'gitlab',
          name: 'x',
          credentials: { kind: 'github_token', token },
        }),
        400,
        'VALIDATION_FAILED',
      );
      await expectProblem(
        await api(owner, 'POST', '/connections', {
          organizationId: orgId,
          service: 'slack',
          name: 'x',
          credentials: { kind: 'github_token', token },
        }),
        400,
        'CREDENTIAL_KIND_MISMATCH',
      );
      await expectProblem(
        await api(owner, 'POST', '/connections', {
          organizationId: 'nope',
          service: 'github',
          name: 'x',
          credentials: { kind: 'github_token', token },
        }),
        400,
        'VALIDATION_FAILED',
      );
      await expectProblem(
        await api(owner, 'POST', '/connections', {
          organizationId: orgId,
          service: 'github',
          name: 'x',
          credentials: { kind: 'github_app_installation', installationId: 'abc' },
        }),
        400,
        'VALIDATION_FAILED',
      );
      await expectProblem(
        await api(owner, 'POST', '/connections', {
          organizationId: orgId,
          service: 'github',
          name: 'x',
          credentials: { kind: 'github_token', token, extra: 1 },
        }),
        400,
        'VALIDATION_FAILED',
      );
      await expectProblem(
        await api(owner, 'GET', '/connections/not-a-uuid'),
        400,
        'VALIDATION_FAILED',
      );
      await expectProblem(
        await api(owner, 'GET', `/organizations/${orgId}/connections?status=bogus`),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('who may do what', () => {
    it('lets members read, owners change, gives plain members 403 and strangers 404', async () => {
      const { owner, member, stranger, orgId } = await team();
      const { connection } = await createGitHubToken(owner, orgId);
      expect((await api(member, 'GET', `/connections/${connection.id}`)).status).toBe(200);
      const list = (await (
        await api(member, 'GET', `/organizations/${orgId}/connections?service=github&status=active`)
      ).json()) as Page<Connection>;
      expect(list.items.map((c) => c.id)).toEqual([connection.id]);
      expect(
        (
          (await (
            await api(member, 'GET', `/organizations/${orgId}/connections?service=slack`)
          ).json()) as Page<Connection>
        ).items,
      ).toEqual([]);
      await expectProblem(
        await api(member, 'PATCH', `/connections/${connection.id}/status`, { status: 'disabled' }),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      await expectProblem(
        await api(member, 'DELETE', `/connections/${connection.id}`),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      await expectProblem(
        await api(member, 'POST', '/connections', {
          organizationId: orgId,
          service: 'github',
          name: 'x',
          credentials: { kind: 'github_token', token: github.addUserToken('m') },
        }),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      await expectProblem(
        await api(stranger, 'GET', `/connections/${connection.id}`),
        404,
        'CONNECTION_NOT_FOUND',
      );
      await expectProblem(
        await api(stranger, 'GET', `/connections/${connection.id}/health`),
        404,
        'CONNECTION_NOT_FOUND',
      );
      await expectProblem(
        await api(stranger, 'GET', `/organizations/${orgId}/connections`),
        404,
        'ORGANIZATION_NOT_FOUND',
      );
      await expectProblem(
        await api(stranger, 'DELETE', `/connections/${connection.id}`),
        404,
        'CONNECTION_NOT_FOUND',
      );
    });
  });

  describe('health and the state machine', () => {
    it('degrades on the first failed check, errors after the threshold, recovers on a pass, and keeps every transition', async () => {
      const { owner, orgId } = await team();
      const connection = await createInstallation(owner, orgId);
      github.mode = 'down';
      try {
        const statuses: string[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await check(connection.id))!.connection.status);
        expect(statuses).toEqual(['degraded', 'degraded', 'error']);
      } finally {
        github.mode = 'ok';
      }
      expect((await check(connection.id))!.connection.status).toBe('active');
      const health = (await (
        await api(owner, 'GET', `/connections/${connection.id}/health`)
      ).json()) as {
        last: { outcome: string };
        history: { outcome: string; code: string | null }[];
      };
      expect(health.last.outcome).toBe('pass');
      expect(health.history.map((h) => h.outcome)).toEqual([
        'pass',
        'fail',
        'fail',
        'fail',
        'pass',
      ]);
      expect(health.history[1].code).toBe('GITHUB_UNAVAILABLE');
      const history = await events(owner, connection.id);
      expect(history.map((e) => `${e.from}->${e.to}:${e.cause}`)).toEqual([
        'error->active:health_check',
        'degraded->error:health_check',
        'active->degraded:health_check',
        'null->active:user',
      ]);
    });

    it('uses the cached installation token: one API call per check', async () => {
      const { owner, orgId } = await team();
      const connection = await createInstallation(owner, orgId);
      // let the repository sync that creation enqueued finish first
      await eventually(
        async () =>
          (
            (await (
              await api(owner, 'GET', `/connections/${connection.id}/repositories`)
            ).json()) as Page<unknown>
          ).items.length,
        (n) => n === 3,
      );
      await sleep(200);
      const mints = github.callCount(
        `POST /app/installations/${connection.externalId}/access_tokens`,
      );
      const before = github.totalCalls();
      await check(connection.id);
      expect(github.totalCalls() - before).toBe(1);
      expect(
        github.callCount(`POST /app/installations/${connection.externalId}/access_tokens`),
      ).toBe(mints);
      expect(mints).toBe(1);
    });

    it('waits out a secondary rate limit in the background, and reports the remaining budget', async () => {
      const { owner, orgId } = await team();
      const connection = await createInstallation(owner, orgId);
      await eventually(
        async () =>
          (
            (await (
              await api(owner, 'GET', `/connections/${connection.id}/repositories`)
            ).json()) as Page<unknown>
          ).items.length,
        (n) => n === 3,
      );
      // Background jobs (the first check and sync queued at creation) must not call the
      // server while this counts: the workers finish what they have and stop taking more.
      const workers = t.app
        .get(JobRegistry)
        .processors()
        .map((p) => p.worker);
      await Promise.all(workers.map((w) => w.pause()));
      github.retryAfterSeconds = 1;
      github.secondaryLimitedRequests = 1;
      const before = github.callCount('GET /installation/repositories');
      try {
        const done = await check(connection.id);
        // the limited call, then the same call again after Retry-After
        expect(github.callCount('GET /installation/repositories') - before).toBe(2);
        expect(done!.result).toMatchObject({
          outcome: 'pass',
          rateLimit: { limit: 5000, remaining: 4987 },
        });
        expect(done!.connection.status).toBe('active');
      } finally {
        github.secondaryLimitedRequests = 0;
        github.retryAfterSeconds = 30;
        await Promise.all(workers.map((w) => w.resume()));
      }
    });

    it('revokes when the service says the installation is gone, and comes back only with new credentials', async () => {
      const { owner, orgId } = await team();
      const connection = await createInstallation(owner, orgId);
      github.revokeInstallation(Number(connection.externalId));
      expect((await check(connection.id))!.connection.status).toBe('revoked');
      await expectProblem(
        await api(owner, 'POST', `/connections/${connection.id}/repositories/sync`),
        409,
        'CONNECTION_NOT_USABLE',
      );
      github.installations.get(Number(connection.externalId))!.revoked = false;
      const res = await api(owner, 'PUT', `/connections/${connection.id}/credentials`, {
        credentials: {
          kind: 'github_app_installation',
          installationId: Number(connection.externalId),
        },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Connection).status).toBe('active');
      expect((await events(owner, connection.id))[0]).toMatchObject({
        from: 'revoked',
        to: 'active',
        cause: 'credentials',
      });
    });

    it('refreshes a check on request at most once per CONNECTION_HEALTH_REFRESH_MIN_MS', async () => {
      const { owner, member, orgId } = await team();
      const { connection } = await createGitHubToken(owner, orgId);
      const first = await api(member, 'GET', `/connections/${connection.id}/health?refresh=true`);
      expect(first.status).toBe(200);
      expect(((await first.json()) as { history: unknown[] }).history).toHaveLength(2);
      const again = await api(member, 'GET', `/connections/${connection.id}/health?refresh=true`);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await expectProblem(again, 429, 'HEALTH_REFRESH_TOO_SOON');
    });

    it('allows by hand only disabling and re-enabling; re-enabling runs a check first', async () => {
      const { owner, orgId } = await team();
      const connection = await createInstallation(owner, orgId);
      const bad = await expectProblem(
        await api(owner, 'PATCH', `/connections/${connection.id}/status`, { status: 'revoked' }),
        409,
        'CONNECTION_TRANSITION_NOT_ALLOWED',
      );
      expect(bad.allowed).toEqual(['disabled']);
      const disabled = await api(owner, 'PATCH', `/connections/${connection.id}/status`, {
        status: 'disabled',
        reason: 'maintenance',
      });
      expect(((await disabled.json()) as Connection).status).toBe('disabled');
      expect(
        (
          await expectProblem(
            await api(owner, 'PATCH', `/connections/${connection.id}/status`, {
              status: 'disabled',
            }),
            409,
            'CONNECTION_TRANSITION_NOT_ALLOWED',
          )
        ).allowed,
      ).toEqual(['active']);
      github.mode = 'down';
      try {
        await expectProblem(
          await api(owner, 'PATCH', `/connections/${connection.id}/status`, { status: 'active' }),
          422,
          'CONNECTION_CHECK_FAILED',
        );
      } finally {
        github.mode = 'ok';
      }
      expect((await getConnection(owner, connection.id)).status).toBe('disabled');
      expect((await check(connection.id))!.connection.status).toBe('disabled');
      const enabled = await api(owner, 'PATCH', `/connections/${connection.id}/status`, {
        status: 'active',
      });
      expect(((await enabled.json()) as Connection).status).toBe('active');
    });
  });

  describe('webhooks', () => {
    const ghHeaders = (
      body: string,
      event: string,
      delivery = randomUUID(),
      secret = WEBHOOK_SECRET,
    ) => ({
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    });
    const deliveries = async () =>
      Number(
        (
          await t.app
            .get(DataSource)
            .query<{ n: string }[]>(`SELECT count(*) AS n FROM webhook_deliveries`)
        )[0].n,
      );
    const postGitHub = (body: string, headers: Record<string, string>) =>
      t.request('/api/v1/webhooks/github', { method: 'POST', headers, body });

    it('applies a signed delivery once, however often and concurrently it is delivered', async () => {
      const { owner, orgId } = await team();
      const connection = await createInstallation(owner, orgId);
      const body = JSON.stringify({
        action: 'deleted',
        installation: { id: Number(connection.externalId) },
      });
      const headers = ghHeaders(body, 'installation');
      const answers = await Promise.all(Array.from({ length: 6 }, () => postGitHub(body, headers)));
      expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 202]);
      const after = await eventually(
        () => getConnection(owner, connection.id),
        (c) => c.status === 'revoked',
      );
      expect(after.status).toBe('revoked');
      expect((await postGitHub(body, headers)).status).toBe(200);
      await sleep(300);
      const webhookEvents = (await events(owner, connection.id)).filter(
        (e) => e.cause === 'webhook',
      );
      expect(webhookEvents).toHaveLength(1);
    });

    it('refuses missing, wrong and foreign signatures (401) and oversized bodies (413), storing nothing', async () => {
      const before = await deliveries();
      const body = JSON.stringify({ action: 'deleted', installation: { id: 1 } });
      const { 'x-hub-signature-256': _sig, ...unsigned } = ghHeaders(body, 'installation');
      void _sig;
      await expectProblem(await postGitHub(body, unsigned), 401, 'WEBHOOK_SIGNATURE_INVALID');
      await expectProblem(
        await postGitHub(body, ghHeaders(body, 'installation', randomUUID(), 'wrong')),
        401,
        'WEBHOOK_SIGNATURE_INVALID',
      );
      const signed = ghHeaders(body, 'installation');
      await expectProblem(
        await postGitHub(body.replace('deleted', 'created'), signed),
        401,
        'WEBHOOK_SIGNATURE_INVALID',
      );
      const big = JSON.stringify({ pad: 'x'.repeat(70_000) });
      await expectProblem(await postGitHub(big, ghHeaders(big, 'push')), 413, 'PAYLOAD_TOO_LARGE');
      expect(await deliveries()).toBe(before);
      // The JSON rules of every other route are unchanged: a 70 kB body is within BODY_LIMIT_BYTES.
      const other = await t.request(
        '/api/v1/organizations',
        jsonBody({ name: 'x'.repeat(70_000) }),
      );
      expect(other.status).toBe(401);
    });

    it('suspends, unsuspends and updates repository records from GitHub events', async () => {
      const { owner, orgId } = await team();
      const connection = await createInstallation(owner, orgId, 2);
      const installation = { id: Number(connection.externalId) };
      const send = async (event: string, payload: unknown) => {
        const body = JSON.stringify(payload);
        expect((await postGitHub(body, ghHeaders(body, event))).status).toBe(202);
      };
      await send('installation', { action: 'suspend', installation });
      await eventually(
        () => getConnection(owner, connection.id),
        (c) => c.status === 'disabled',
      );
      await send('installation', { action: 'unsuspend', installation });
      expect(
        (
          await eventually(
            () => getConnection(owner, connection.id),
            (c) => c.status === 'active',
          )
        ).status,
      ).toBe('active');
      await send('installation_repositories', {
        action: 'added',
        installation,
        repositories_added: [{ id: 424242, full_name: 'acme/new-one', private: true }],
        repositories_removed: [],
      });
      const repos = async () =>
        (
          (await (
            await api(owner, 'GET', `/connections/${connection.id}/repositories?limit=100`)
          ).json()) as Page<{ fullName: string; active: boolean; htmlUrl: string }>
        ).items;
      const added = await eventually(repos, (items) =>
        items.some((r) => r.fullName === 'acme/new-one'),
      );
      expect(added.find((r) => r.fullName === 'acme/new-one')).toMatchObject({
        active: true,
        htmlUrl: 'https://github.example/acme/new-one',
      });
      await send('repository', {
        action: 'deleted',
        installation,
        repository: { id: 424242, full_name: 'acme/new-one', private: true },
      });
      const gone = await eventually(repos, (items) =>
        items.some((r) => r.fullName === 'acme/new-one' && !r.active),
      );
      expect(gone.find((r) => r.fullName === 'acme/new-one')!.active).toBe(false);
      await send('star', { action: 'created', installation });
    });

    it('verifies Slack signatures with their timestamp, answers the challenge and revokes on app_uninstalled', async () => {
      const { owner, orgId } = await team();
      const token = slack.addBotToken('TSLACK9', 'Nine');
      const res = await api(owner, 'POST', '/connections', {
        organizationId: orgId,
        service: 'slack',
        name: 'Nine',
        credentials: { kind: 'slack_bot_token', token },
      });
      const connection = (await res.json()) as Connection;
      const post = (
        payload: unknown,
        ts = Math.floor(Date.now() / 1000),
        secret = SIGNING_SECRET,
      ) => {
        const body = JSON.stringify(payload);
        const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
        return t.request('/api/v1/webhooks/slack', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-slack-request-timestamp': String(ts),
            'x-slack-signature': sig,
          },
          body,
        });
      };
      const challenge = await post({ type: 'url_verification', challenge: 'abc123' });
      expect(challenge.status).toBe(200);
      expect(await challenge.json()).toEqual({ challenge: 'abc123' });
      const event = {
        type: 'event_callback',
        team_id: 'TSLACK9',
        event_id: `Ev${randomUUID().slice(0, 8)}`,
        event: { type: 'app_uninstalled' },
      };
      await expectProblem(
        await post(event, Math.floor(Date.now() / 1000) - 600),
        401,
        'WEBHOOK_SIGNATURE_INVALID',
      );
      await expectProblem(await post(event, undefined, 'wrong'), 401, 'WEBHOOK_SIGNATURE_INVALID');
      expect((await post(event)).status).toBe(202);
      expect((await post(event)).status).toBe(200);
      expect(
        (
          await eventually(
            () => getConnection(owner, connection.id),
            (c) => c.status === 'revoked',
          )
        ).status,
      ).toBe('revoked');
    });
  });

  describe('install flows', () => {
    it('links a GitHub App installation through a signed single-use state', async () => {
      const { owner, member, orgId } = await team();
      await expectProblem(
        await api(member, 'GET', `/connections/github/install?organizationId=${orgId}`),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      const res = await api(owner, 'GET', `/connections/github/install?organizationId=${orgId}`);
      expect(res.status).toBe(200);
      const { url, state } = (await res.json()) as { url: string; state: string };
      expect(
        url.startsWith('https://github.example/apps/meridian-test/installations/new?state='),
      ).toBe(true);
      const installationId = nextInstallation++;
      github.addInstallation(installationId, 4);
      const callback = (s: string) =>
        api(
          null,
          'GET',
          `/connections/github/callback?installation_id=${installationId}&setup_action=install&state=${encodeURIComponent(s)}`,
        );
      await expectProblem(
        await callback(state.slice(0, -4) + 'AAAA'),
        400,
        'INSTALL_STATE_INVALID',
      );
      const linked = await callback(state);
      expect(linked.status).toBe(200);
      const result = (await linked.json()) as { connectionId: string; status: string };
      expect(result.status).toBe('pending');
      await expectProblem(await callback(state), 400, 'INSTALL_STATE_INVALID');
      const active = await eventually(
        () => getConnection(owner, result.connectionId),
        (c) => c.status === 'active',
      );
      expect(active).toMatchObject({ status: 'active', externalId: String(installationId) });
      expect((await events(owner, result.connectionId)).map((e) => `${e.from}->${e.to}`)).toEqual([
        'pending->active',
        'null->pending',
      ]);
      const update = await api(
        null,
        'GET',
        `/connections/github/callback?installation_id=${installationId}&setup_action=update`,
      );
      expect(update.status).toBe(200);
      await expectProblem(
        await api(
          null,
          'GET',
          `/connections/github/callback?installation_id=987654&setup_action=update`,
        ),
        404,
        'INSTALLATION_NOT_LINKED',
      );
    });

    it('installs Slack with OAuth v2 and refreshes a rotating token once before use', async () => {
      const { owner, orgId } = await team();
      const res = await api(owner, 'GET', `/connections/slack/install?organizationId=${orgId}`);
      const { url, state } = (await res.json()) as { url: string; state: string };
      expect(url).toContain('https://slack.example/oauth/v2/authorize?');
      expect(url).toContain(`client_id=${encodeURIComponent(slack.clientId)}`);
      slack.rotationSeconds = 240;
      const code = slack.addCode('TROTATE', 'Rotating');
      const linked = await api(
        null,
        'GET',
        `/connections/slack/callback?code=${code}&state=${encodeURIComponent(state)}`,
      );
      expect(linked.status).toBe(200);
      const { connectionId } = (await linked.json()) as { connectionId: string };
      const connection = await eventually(
        () => getConnection(owner, connectionId),
        (c) => c.status === 'active',
      );
      expect(connection.credential).toMatchObject({ kind: 'slack_oauth', hasSecret: true });
      // 240 s lifetime: refreshed once less than 120 s remain.
      await t.app
        .get(DataSource)
        .query(
          `UPDATE service_credentials SET expires_at = now() + interval '60 seconds', last_rotated_at = now() - interval '180 seconds' WHERE connection_id = $1`,
          [connectionId],
        );
      const before = slack.calls.get('oauth.v2.access') ?? 0;
      await Promise.all([check(connectionId), check(connectionId), check(connectionId)]);
      expect((slack.calls.get('oauth.v2.access') ?? 0) - before).toBe(1);
      expect(slack.reusedRefreshTokens).toEqual([]);
      expect((await getConnection(owner, connectionId)).status).toBe('active');
      slack.rotationSeconds = 0;
    });
  });

  describe('deleting', () => {
    it('revokes the Slack token upstream, deletes the credential and keeps the event history', async () => {
      const { owner, orgId } = await team();
      const token = slack.addBotToken('TDELETE', 'Gone');
      const created = (await (
        await api(owner, 'POST', '/connections', {
          organizationId: orgId,
          service: 'slack',
          name: 'Gone',
          credentials: { kind: 'slack_bot_token', token },
        })
      ).json()) as Connection;
      expect((await api(owner, 'DELETE', `/connections/${created.id}`)).status).toBe(204);
      expect(slack.tokens.has(token)).toBe(false);
      await expectProblem(
        await api(owner, 'GET', `/connections/${created.id}`),
        404,
        'CONNECTION_NOT_FOUND',
      );
      const db = t.app.get(DataSource);
      expect(
        await db.query(`SELECT 1 FROM service_credentials WHERE connection_id = $1`, [created.id]),
      ).toEqual([]);
      const kept = await db.query<{ to_status: string }[]>(
        `SELECT to_status FROM connection_events WHERE connection_id = $1 ORDER BY created_at`,
        [created.id],
      );
      expect(kept.map((e) => e.to_status)).toEqual(['active', 'deleted']);
    });
  });

  describe('secrets', () => {
    it('never reach a response, a log line or a job payload', async () => {
      await sleep(500);
      const jobs = await Promise.all(
        [QueueName.Connections].map((q) =>
          t.app
            .get(QueueProducer)
            .queue(q)
            .getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']),
        ),
      );
      const jobData = JSON.stringify(jobs.flat().map((j) => j.data as unknown));
      const everything = [...responses, ...logs, jobData].join('\n');
      expect(jobData).toContain('connectionId');
      for (const secret of secrets) expect(everything).not.toContain(secret);
      for (const token of github.tokens.keys()) expect(everything).not.toContain(token);
    });
  });
});
