import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { QueueProducer } from '../../src/queue/queue-producer.service.js';
import { QueueName } from '../../src/queue/queue.constants.js';
import { newUser, type TestUser } from '../support/accounts.js';
import { GitHubPeer } from '../support/github-peer.js';
import { SlackPeer } from '../support/slack-peer.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface Service {
  name: string;
  status: string;
  latencyMs: number | null;
  detail: string | null;
}

/** A TCP server that accepts connections and never says anything. */
async function silentServer(): Promise<{
  server: Server;
  port: number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('health routes and system information', () => {
  let t: TestApp;
  let admin: TestUser;
  let operator: TestUser;
  let user: TestUser;
  let silent: Awaited<ReturnType<typeof silentServer>>;
  const github = new GitHubPeer();
  const slack = new SlackPeer();
  beforeAll(async () => {
    silent = await silentServer();
    await Promise.all([github.start(), slack.start()]);
    t = await startTestApp({
      // a GitHub App and a Slack app that answer on loopback
      GITHUB_API_URL: github.url,
      GITHUB_APP_ID: github.appId,
      GITHUB_APP_PRIVATE_KEY: github.privateKeyPem,
      SLACK_API_URL: slack.url,
      SLACK_CLIENT_ID: slack.clientId,
      SLACK_CLIENT_SECRET: slack.clientSecret,
      // an LLM that never answers, and an SMTP server that is not there
      LLM_BASE_URL: `http://127.0.0.1:${silent.port}/v1`,
      SMTP_URL: 'smtp://127.0.0.1:1',
      HEALTH_CHECK_TIMEOUT_MS: '300',
      ROLE_PERMISSIONS: JSON.stringify({ admin: ['users:read'], ops: ['infrastructure:admin'] }),
    });
    admin = await newUser(t, { roles: ['admin'] });
    operator = await newUser(t, { roles: ['ops'] });
    user = await newUser(t);
  });
  afterAll(async () => {
    await t?.close();
    await silent?.close();
    await Promise.all([github.stop(), slack.stop()]);
  });

  it('answers GET /health publicly with status, version, environment and time', async () => {
    const res = await t.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      environment: 'test',
    });
    expect((await t.request('/health/live')).status).toBe(200);
  });

  it('checks every configured dependency in parallel, each within its timeout, always 200', async () => {
    const started = Date.now();
    const res = await t.request('/health/detailed', { headers: operator.auth });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      services: Service[];
      summary: { total: number; up: number; down: number; unconfigured: number };
    };
    const byName = Object.fromEntries(body.services.map((s) => [s.name, s]));
    expect(byName.database.status).toBe('up');
    expect(byName.queue.status).toBe('up');
    expect(byName.llm).toMatchObject({ status: 'down', detail: 'no answer within 300 ms' });
    expect(byName.smtp.status).toBe('down');
    expect(byName.oidc.status).toBe('unconfigured');
    expect(byName.github).toMatchObject({ status: 'up', detail: 'GitHub App meridian-test' });
    expect(byName.slack).toMatchObject({ status: 'up', detail: 'Slack Web API' });
    expect(byName['migration-targets']).toMatchObject({
      status: 'up',
      detail: 'no target databases registered',
    });
    expect(body.status).toBe('degraded');
    expect(body.summary).toEqual({ total: 8, up: 5, down: 2, unconfigured: 1 });
    expect(github.callCount('GET /app')).toBeGreaterThan(0);
    // the slow check did not hold the others up (they ran in parallel)
    expect(elapsed).toBeLessThan(5_000);
  });

  it('connects to every active migration target and names the unreachable ones', async () => {
    const db = t.app.get(DataSource);
    await db.query(
      `INSERT INTO orchestrator_databases (id, name, type, host, port, database, username, tls_mode, schema_name)
       VALUES (gen_random_uuid(), 'health-gone', 'tenant', '127.0.0.1', 1, 'nowhere', 'nobody', 'disable', 'public')`,
    );
    try {
      const res = await t.request('/health/services/migration-targets', { headers: admin.auth });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        name: 'migration-targets',
        status: 'down',
        detail: '0 of 1 reachable; unreachable: health-gone',
      });
    } finally {
      await db.query(`DELETE FROM orchestrator_databases WHERE name LIKE 'health-%'`);
    }
  });

  it('checks one service by name; an unknown name is 404', async () => {
    const one = await t.request('/health/services/database', { headers: admin.auth });
    expect(one.status).toBe(200);
    expect(((await one.json()) as Service).status).toBe('up');
    const unknown = await t.request('/health/services/nope', { headers: admin.auth });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('HEALTH_SERVICE_NOT_FOUND');
  });

  it('needs admin or infrastructure:admin for detailed health and metrics', async () => {
    for (const path of ['/health/detailed', '/health/metrics', '/health/services/database']) {
      expect((await t.request(path)).status).toBe(401);
      const denied = await t.request(path, { headers: user.auth });
      expect(denied.status).toBe(403);
    }
    // ops may read health, but is no admin
    expect((await t.request('/api/v1/admin/system', { headers: operator.auth })).status).toBe(403);
  });

  it('reports process metrics as JSON', async () => {
    const res = await t.request('/health/metrics', { headers: admin.auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      memory: { rssBytes: number };
      pool: { size: number };
      queues: { name: string }[];
    };
    expect(body.memory.rssBytes).toBeGreaterThan(0);
    expect(body.pool.size).toBe(4);
    expect(body.queues.map((q) => q.name).sort()).toEqual(
      Object.values(QueueName).map(String).sort(),
    );
  });

  it('shows version, runtime, replicas, database and queues', async () => {
    const res = await t.request('/api/v1/admin/system', { headers: admin.auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      version: string;
      node: string;
      role: string;
      replicas: { role: string }[];
      database: { mode: string };
      queue: { backend: string; queues: { name: string }[] };
    };
    expect(body.node).toBe(process.version);
    expect(body.role).toBe('all');
    expect(body.replicas.length).toBeGreaterThanOrEqual(1);
    expect(body.database.mode).toBe('external');
    expect(body.queue.backend).toBe(process.env.TEST_REDIS_URL ? 'redis' : 'postgres');
    expect(body.queue.queues).toHaveLength(Object.values(QueueName).length);
  });

  it('lists failed jobs and retries or removes them, audited', async () => {
    const queue = t.app.get(QueueProducer).queue(QueueName.Mail);
    // a job no handler can complete: its payload names no mail
    const job = await queue.add('mail.send', { mailId: 'not-a-uuid' }, { attempts: 1 });
    const deadline = Date.now() + 20_000;
    let failed: { items: { id: string; queue: string }[]; totals: Record<string, number> };
    for (;;) {
      const res = await t.request('/api/v1/admin/jobs/failed?queue=mail', { headers: admin.auth });
      expect(res.status).toBe(200);
      failed = (await res.json()) as typeof failed;
      if (failed.items.some((j) => j.id === job.id)) break;
      if (Date.now() > deadline) throw new Error('the job did not fail');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(failed.totals.mail).toBeGreaterThanOrEqual(1);
    const retry = await t.request(`/api/v1/admin/jobs/failed/mail/${job.id}/retry`, {
      method: 'POST',
      headers: admin.auth,
    });
    expect([204, 409]).toContain(retry.status);
    // wait for it to fail again, then remove it
    for (;;) {
      if (await (await queue.getJob(job.id!))?.isFailed()) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const removed = await t.request(`/api/v1/admin/jobs/failed/mail/${job.id}`, {
      method: 'DELETE',
      headers: admin.auth,
    });
    expect(removed.status).toBe(204);
    expect(await queue.getJob(job.id!)).toBeFalsy();
    const again = await t.request(`/api/v1/admin/jobs/failed/mail/${job.id}`, {
      method: 'DELETE',
      headers: admin.auth,
    });
    expect(again.status).toBe(404);
    const audit = (await (
      await t.request('/api/v1/admin/audit?action=admin.failed-job-removed', {
        headers: admin.auth,
      })
    ).json()) as { items: { targetId: string }[] };
    expect(audit.items.map((e) => e.targetId)).toContain(`mail:${job.id}`);
  });
});
