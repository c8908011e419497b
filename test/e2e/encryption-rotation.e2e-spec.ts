import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConnectionHealthService } from '../../src/connections/connection-health.service.js';
import { withDatabase } from '../setup/test-database.js';
import { jsonBody, newUser } from '../support/accounts.js';
import {
  ensureBuilt,
  freePort,
  MeridianProcess,
  terminalEnv,
} from '../support/meridian-process.js';
import { SlackPeer } from '../support/slack-peer.js';
import { startTestApp, testServerUrl, type TestApp } from '../setup/test-app.js';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Job {
  id: string;
  status: string;
  processed: number;
  rewritten: number;
  total: number;
  targetKeyId: string;
}

/** Every ciphertext's key id, by column (ENCRYPTED_COLUMNS' columns). */
async function keyIds(db: DataSource): Promise<string[]> {
  const rows = await db.query<{ kid: string }[]>(`
    SELECT split_part(private_key_encrypted, ':', 2) AS kid FROM auth_signing_keys
    UNION ALL SELECT split_part(secret_encrypted, ':', 2) FROM service_credentials WHERE secret_encrypted IS NOT NULL
    UNION ALL SELECT split_part(refresh_token_encrypted, ':', 2) FROM service_credentials WHERE refresh_token_encrypted IS NOT NULL`);
  return rows.map((r) => r.kid).sort();
}

describe('key rotation', () => {
  const slack = new SlackPeer();
  const oldKey = key('old');
  const newKey = key('new');
  let first: TestApp;
  let databaseUrl: string;
  let connectionId: string;
  const slackEnv = () => ({ SLACK_API_URL: slack.url, CONNECTION_HEALTH_REFRESH_MIN_MS: '0' });

  beforeAll(async () => {
    await slack.start();
    first = await startTestApp({ ENCRYPTION_KEYS: oldKey, ...slackEnv() });
    databaseUrl = withDatabase(testServerUrl(), first.databaseName);
    const owner = await newUser(first);
    const org = (await (
      await first.request('/api/v1/organizations', jsonBody({ name: 'Acme' }, owner.auth))
    ).json()) as { id: string };
    const token = slack.addBotToken('TROT', 'Rotate');
    const res = await first.request(
      '/api/v1/connections',
      jsonBody(
        {
          organizationId: org.id,
          service: 'slack',
          name: 'Slack',
          credentials: { kind: 'slack_bot_token', token },
        },
        owner.auth,
      ),
    );
    expect(res.status).toBe(201);
    connectionId = ((await res.json()) as { id: string }).id;
    await first.app.close();
  });
  afterAll(async () => {
    await first?.close({ appClosed: true });
    await slack.stop();
  });

  it('refuses to start, naming the key, when stored data uses a key ENCRYPTION_KEYS lacks', async () => {
    // A real start (main.js), so the refused start-up leaves nothing running in this process.
    ensureBuilt();
    const meridian = new MeridianProcess(
      process.execPath,
      ['dist/src/main.js'],
      terminalEnv({
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        DATABASE_URL: databaseUrl,
        ENCRYPTION_KEYS: newKey,
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        SHUTDOWN_TIMEOUT_MS: '2000',
        ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
      }),
    );
    try {
      const { code } = await meridian.exit(60_000);
      expect(code).not.toBe(0);
      expect(meridian.output()).toMatch(/stored data is encrypted under key \\*"old\\*"/);
    } finally {
      meridian.kill();
    }
  }, 120_000);

  it('decrypts under the old key after a rotation, rewrites everything under the new key, and resumes after a restart', async () => {
    // A job left running by a process that stopped: the next start resumes it.
    const probe = new DataSource({ type: 'postgres', url: databaseUrl });
    await probe.initialize();
    try {
      expect(new Set(await keyIds(probe))).toEqual(new Set(['old']));
      await probe.query(
        `INSERT INTO encryption_reencryption_jobs (status, target_key_id, total, started_at) VALUES ('running', 'new', 0, now())`,
      );
    } finally {
      await probe.destroy();
    }
    const second = await startTestApp({
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEYS: `${newKey},${oldKey}`,
      ...slackEnv(),
    });
    try {
      const db = second.app.get(DataSource);
      const until = Date.now() + 15_000;
      while (Date.now() < until && (await keyIds(db)).some((k) => k !== 'new')) await sleep(100);
      expect(new Set(await keyIds(db))).toEqual(new Set(['new']));
      let resumed = '';
      while (Date.now() < until && resumed !== 'completed') {
        [{ status: resumed }] = await db.query<{ status: string }[]>(
          `SELECT status FROM encryption_reencryption_jobs`,
        );
        if (resumed !== 'completed') await sleep(100);
      }
      expect(resumed).toBe('completed');

      const admin = await newUser(second, { roles: ['admin'] });
      const plain = await newUser(second);
      expect(
        (
          await second.request('/api/v1/admin/encryption/reencrypt', {
            method: 'POST',
            headers: plain.auth,
          })
        ).status,
      ).toBe(403);
      const started = await second.request('/api/v1/admin/encryption/reencrypt', {
        method: 'POST',
        headers: admin.auth,
      });
      expect(started.status).toBe(202);
      const job = (await started.json()) as Job;
      let state = job;
      while (
        Date.now() < until + 10_000 &&
        state.status !== 'completed' &&
        state.status !== 'failed'
      ) {
        await sleep(100);
        state = (await (
          await second.request(`/api/v1/admin/encryption/reencrypt/${job.id}`, {
            headers: admin.auth,
          })
        ).json()) as Job;
      }
      expect(state).toMatchObject({ status: 'completed', targetKeyId: 'new', rewritten: 0 });
      expect(state.processed).toBe(state.total);
      expect(state.total).toBeGreaterThanOrEqual(2);
      expect(
        (
          await second.request(`/api/v1/admin/encryption/reencrypt/${crypto.randomUUID()}`, {
            headers: admin.auth,
          })
        ).status,
      ).toBe(404);
    } finally {
      await second.close();
    }
    // The old key can go now: the data decrypts under the new one alone.
    const third = await startTestApp({
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEYS: newKey,
      ...slackEnv(),
    });
    try {
      // The credential decrypts under the new key alone: the check with Slack passes.
      const result = await third.app.get(ConnectionHealthService).check(connectionId);
      expect(result?.result.outcome).toBe('pass');
    } finally {
      await third.close();
    }
  });
});
