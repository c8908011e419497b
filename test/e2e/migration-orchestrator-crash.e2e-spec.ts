/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return --
   every response is checked against openapi.json by TestApp.request; the suite reads the
   bodies as loose JSON. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, testServerUrl, type TestApp } from '../setup/test-app.js';
import { onServer } from '../setup/test-database.js';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import {
  createTargetDatabase,
  dropTargetDatabase,
  onTarget,
  serverParts,
  SqlSource,
} from '../support/target-databases.js';
import { startMeridianProcess, type MeridianProcess } from '../support/worker-process.js';

type Json = Record<string, any>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a worker killed (SIGKILL) in the middle of a target', () => {
  const serverUrl = testServerUrl();
  const server = serverParts(serverUrl);
  const sql = new SqlSource();
  const role = `orch_${Math.random().toString(36).slice(2, 10)}`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  let database: string;
  let api: TestApp;
  let rescuer: TestApp | undefined;
  let doomed: MeridianProcess | undefined;
  let user: TestUser;

  const call = async (path: string, init?: RequestInit): Promise<Json> => {
    const res = await api.request(path, {
      ...init,
      headers: { ...(init?.headers as Record<string, string>), ...user.auth },
    });
    return (await res.json()) as Json;
  };

  beforeAll(async () => {
    await onServer(serverUrl, (c) =>
      c.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`),
    );
    database = await createTargetDatabase(serverUrl, 'orch_crash');
    await onTarget(serverUrl, database, (c) => c.query('CREATE SCHEMA tenant_a'));
    sql
      .write('tenant', 'V1__log.sql', 'CREATE TABLE log (step text);\n')
      .write('tenant', 'V2__slow.sql', "SELECT pg_sleep(4);\nINSERT INTO log VALUES ('v2');\n")
      .write('tenant', 'V3__after.sql', "INSERT INTO log VALUES ('v3');\n");
    // Enqueues only: the api role runs no worker.
    api = await startTestApp({ APP_ROLE: 'api', MIGRATIONS_SOURCE_DIR: sql.dir });
    user = await newUser(api, { roles: ['admin'] });
  }, 60_000);

  afterAll(async () => {
    await doomed?.kill();
    await rescuer?.close();
    await api?.close();
    await dropTargetDatabase(serverUrl, database);
    await onServer(serverUrl, (c) => c.query(`DROP ROLE IF EXISTS ${role}`));
    sql.cleanup();
  });

  it('resumes from the target history: no file applied twice, none skipped', async () => {
    const keys = api.config.encryptionKeys!.map((k) => `${k.id}:${k.key.toString('base64')}`);
    doomed = await startMeridianProcess(
      {
        NODE_ENV: 'test',
        APP_ROLE: 'worker',
        DATABASE_URL: api.config.database.url!,
        DATABASE_POOL_SIZE: '2',
        MIGRATIONS_RUN: 'false',
        ...(api.config.queue.redisUrl ? { REDIS_URL: api.config.queue.redisUrl } : {}),
        QUEUE_PREFIX: api.config.queue.prefix,
        ENCRYPTION_KEYS: keys.join(','),
        PORT: '0',
        HOST: '127.0.0.1',
        SHUTDOWN_GRACE_MS: '0',
      },
      'workers started',
    );
    const db = await call(
      '/api/v1/databases',
      jsonBody({
        name: 'crash-tenants',
        type: 'tenant',
        host: server.host,
        port: server.port,
        database,
        user: role,
        password,
        schemaPattern: 'tenant_%',
      }),
    );
    expect(db.id).toEqual(expect.any(String));
    const execution = await call('/api/v1/migrations/execute', jsonBody({ scope: 'tenant' }));
    expect(execution.status).toBe('pending');

    // Kill the worker while V2's pg_sleep runs (V1 is committed by then).
    const deadline = Date.now() + 30_000;
    for (;;) {
      const busy = await onServer(
        serverUrl,
        async (c) =>
          (
            await c.query(
              `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'meridian-migrations' AND query LIKE '%pg_sleep(4)%' AND state = 'active'`,
              [database],
            )
          ).rowCount,
      );
      if (busy) break;
      if (Date.now() > deadline) throw new Error('V2 never started');
      await sleep(50);
    }
    expect(await doomed.kill()).toBe('SIGKILL');
    const mid = await call(`/api/v1/migrations/status/${execution.id}`);
    expect(mid.status).toBe('in_progress');

    rescuer = await startTestApp({
      DATABASE_URL: api.config.database.url!,
      QUEUE_PREFIX: api.config.queue.prefix,
      APP_ROLE: 'worker',
      ENCRYPTION_KEYS: keys.join(','),
    });
    let done: Json;
    for (const until = Date.now() + 60_000; ;) {
      done = await call(`/api/v1/migrations/status/${execution.id}`);
      if (!['pending', 'in_progress'].includes(done.status as string)) break;
      if (Date.now() > until) throw new Error('the execution did not resume');
      await sleep(200);
    }
    const targets = (await call(`/api/v1/migrations/${execution.id}/targets`)).items as Json[];
    expect([done.status, targets[0].errorMessage]).toEqual(['completed', null]);
    expect(targets[0]).toMatchObject({ status: 'completed', attempts: 2 });
    const { history, log } = await onTarget(serverUrl, database, async (c) => ({
      history: (
        await c.query(
          `SELECT version, success FROM tenant_a.meridian_schema_history ORDER BY installed_rank`,
        )
      ).rows as Json[],
      log: (await c.query('SELECT step FROM tenant_a.log ORDER BY step')).rows as Json[],
    }));
    expect(history).toEqual([
      { version: '1', success: true },
      { version: '2', success: true },
      { version: '3', success: true },
    ]);
    expect(log.map((r) => r.step)).toEqual(['v2', 'v3']);
  }, 150_000);
});
