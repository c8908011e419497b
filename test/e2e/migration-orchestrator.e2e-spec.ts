/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access,
   @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return --
   every response is checked against openapi.json by TestApp.request; the suite reads the
   bodies as loose JSON. */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueueProducer } from '../../src/queue/queue-producer.service.js';
import { QueueName } from '../../src/queue/queue.constants.js';
import { startTestApp, testServerUrl, type TestApp } from '../setup/test-app.js';
import { onServer } from '../setup/test-database.js';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { readSse } from '../support/sse.js';
import {
  createTargetDatabase,
  dropTargetDatabase,
  onTarget,
  serverParts,
  SqlSource,
} from '../support/target-databases.js';

type Json = Record<string, any>;

const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-never-shown`;
const TENANTS = 24;
const tenant = (i: number) => `tenant_${String(i).padStart(3, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe('migration orchestrator', () => {
  const serverUrl = testServerUrl();
  const server = serverParts(serverUrl);
  const sql = new SqlSource();
  const logs = new PassThrough();
  let logText = '';
  const seen: string[] = [];
  let t: TestApp;
  let infra: TestUser;
  let viewer: TestUser;
  let operator: TestUser;
  const dbs: Record<string, string> = {};
  const ids: Record<string, string> = {};

  async function call(
    path: string,
    init?: RequestInit,
    user: TestUser = infra,
  ): Promise<{ status: number; body: Json }> {
    const res = await t.request(path, {
      ...init,
      headers: { ...(init?.headers as Record<string, string>), ...user.auth },
    });
    const text = await res.text();
    seen.push(text);
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
  }
  const post = (path: string, body: unknown, user?: TestUser) => call(path, jsonBody(body), user);

  async function finished(id: string, timeoutMs = 45_000): Promise<Json> {
    return waitFor(
      `execution ${id} to finish`,
      async () => {
        const { body } = await call(`/api/v1/migrations/status/${id}`);
        return ['pending', 'in_progress'].includes(body.status as string) ? undefined : body;
      },
      timeoutMs,
    );
  }

  async function targets(id: string): Promise<Json[]> {
    const { body } = await call(`/api/v1/migrations/${id}/targets?limit=100`);
    return body.items as Json[];
  }

  const history = (db: string, schema: string) =>
    onTarget(serverUrl, db, async (c) => {
      const { rows } = await c.query(
        `SELECT version, description, kind, success, installed_by FROM ${c.escapeIdentifier(schema)}.meridian_schema_history ORDER BY installed_rank`,
      );
      return rows as Json[];
    });

  // A login role of its own, whose password is known only to this suite.
  const role = `orch_${Math.random().toString(36).slice(2, 10)}`;
  const register = (body: Json) =>
    post('/api/v1/databases', {
      host: server.host,
      port: server.port,
      user: role,
      password: PASSWORD,
      ...body,
    });

  beforeAll(async () => {
    await onServer(serverUrl, (c) =>
      c.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${PASSWORD}'`),
    );
    sql
      .write('admin', 'V1__accounts.sql', 'CREATE TABLE accounts (id int PRIMARY KEY);\n')
      .write('admin', 'V2__plans.sql', 'CREATE TABLE plans (id int PRIMARY KEY);\n')
      .write('admin', 'U2__plans.sql', 'DROP TABLE plans;\n')
      .write('shared', 'V1__regions.sql', 'CREATE TABLE regions (code text PRIMARY KEY);\n')
      .write('tenant', 'V1__items.sql', 'CREATE TABLE items (id int PRIMARY KEY, name text);\n')
      .write('tenant', 'U1__items.sql', 'DROP TABLE items;\n')
      .write(
        'tenant',
        'V2__items_name_index.sql',
        '-- meridian:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS items_name ON items (name);\n',
      )
      .write('tenant', 'U2__items_name_index.sql', 'DROP INDEX items_name;\n')
      .write(
        'tenant',
        'V3__plan_ref.sql',
        '-- meridian:depends-on admin:2\nALTER TABLE items ADD COLUMN plan_id int;\n',
      )
      .write('tenant', 'U3__plan_ref.sql', 'ALTER TABLE items DROP COLUMN plan_id;\n')
      .write(
        'tenant',
        'R__items_view.sql',
        'CREATE OR REPLACE VIEW item_names AS SELECT name FROM items;\n',
      );
    for (const name of ['admin', 'shared', 'tenants', 'solo', 'gone', 'analytics']) {
      dbs[name] = await createTargetDatabase(serverUrl, `orch_${name}`);
    }
    await onTarget(serverUrl, dbs.tenants, async (c) => {
      for (let i = 1; i <= TENANTS; i++) await c.query(`CREATE SCHEMA ${tenant(i)}`);
      await c.query('CREATE SCHEMA other_schema');
    });
    logs.on('data', (chunk: Buffer) => (logText += chunk.toString()));
    t = await startTestApp(
      {
        LOG_LEVEL: 'trace',
        MIGRATIONS_SOURCE_DIR: sql.dir,
        MIGRATION_LOCK_TIMEOUT_MS: '1000',
        MIGRATION_RETRY_ATTEMPTS: '1',
        MIGRATION_RETRY_BACKOFF_MS: '50',
        MIGRATION_CONNECT_TIMEOUT_MS: '3000',
        MIGRATION_EVENTS_POLL_MS: '100',
        ROLE_PERMISSIONS: JSON.stringify({
          infra: ['infrastructure:admin'],
          viewer: ['migrations:read', 'databases:read'],
          operator: ['migrations:read', 'migrations:execute', 'databases:read'],
        }),
      },
      [],
      { logStream: logs },
    );
    infra = await newUser(t, { roles: ['infra'] });
    viewer = await newUser(t, { roles: ['viewer'] });
    operator = await newUser(t, { roles: ['operator'] });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    for (const name of Object.values(dbs)) await dropTargetDatabase(serverUrl, name);
    await onServer(serverUrl, (c) => c.query(`DROP ROLE IF EXISTS ${role}`));
    sql.cleanup();
  });

  describe('registry', () => {
    it('refuses callers without the permission of each route', async () => {
      expect((await t.request('/api/v1/databases')).status).toBe(401);
      expect((await call('/api/v1/databases', undefined, viewer)).status).toBe(200);
      const denied = await post('/api/v1/databases', { name: 'x' }, viewer);
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('MISSING_PERMISSION');
      expect(
        (await call('/api/v1/migrations/catalog/reload', { method: 'POST' }, operator)).status,
      ).toBe(403);
      expect((await post('/api/v1/migrations/execute', { scope: 'all' }, viewer)).status).toBe(403);
      expect((await call('/api/v1/migrations/schedules', undefined, viewer)).status).toBe(200);
      expect((await post('/api/v1/migrations/schedules', { name: 'x' }, operator)).status).toBe(
        403,
      );
    });

    it('tests the connection before storing, and stores nothing when it fails', async () => {
      const before = (await call('/api/v1/databases?limit=100')).body.items.length as number;
      const bad = await register({
        name: 'nowhere',
        type: 'admin',
        host: '127.0.0.1',
        port: 1,
        database: 'x',
      });
      expect(bad.status).toBe(422);
      expect(bad.body.code).toBe('DATABASE_UNREACHABLE');
      expect(bad.body.detail).toMatch(/ECONNREFUSED/);
      const missing = await register({
        name: 'nodb',
        type: 'admin',
        database: 'no_such_database_here',
      });
      expect(missing.status).toBe(422);
      expect(missing.body.detail).toMatch(/does not exist/);
      expect((await call('/api/v1/databases?limit=100')).body.items).toHaveLength(before);
    });

    it('registers databases; the password is write-only and encrypted at rest', async () => {
      const admin = await register({
        name: 'admin',
        type: 'admin',
        database: dbs.admin,
        region: 'eu',
        tags: ['core'],
      });
      expect(admin.status).toBe(201);
      expect(admin.body).toMatchObject({
        type: 'admin',
        hasPassword: true,
        schema: 'public',
        schemaPattern: null,
      });
      expect(admin.body).not.toHaveProperty('password');
      ids.admin = admin.body.id as string;
      const shared = await register({
        name: 'shared-eu',
        type: 'shared',
        database: dbs.shared,
        region: 'eu',
      });
      ids.shared = shared.body.id as string;
      const tenants = await register({
        name: 'tenants-eu',
        type: 'tenant',
        database: dbs.tenants,
        region: 'eu',
        schemaPattern: 'tenant\\_%',
      });
      expect(tenants.status).toBe(201);
      ids.tenants = tenants.body.id as string;
      const solo = await register({
        name: 'solo',
        type: 'tenant',
        database: dbs.solo,
        tenantId: 'solo-co',
        region: 'us',
      });
      ids.solo = solo.body.id as string;
      const gone = await register({
        name: 'gone',
        type: 'tenant',
        database: dbs.gone,
        tenantId: 'gone-co',
        region: 'us',
      });
      ids.gone = gone.body.id as string;

      const stored = await onServer(serverUrl, async () =>
        onTarget(
          serverUrl,
          t.databaseName,
          async (c) =>
            (
              await c.query(`SELECT password_encrypted FROM orchestrator_databases WHERE id = $1`, [
                ids.admin,
              ])
            ).rows[0] as Json,
        ),
      );
      expect(stored.password_encrypted).toEqual(expect.any(String));
      expect(stored.password_encrypted).not.toContain(PASSWORD);

      expect(
        (await register({ name: 'admin', type: 'admin', database: dbs.admin })).body.code,
      ).toBe('DATABASE_NAME_TAKEN');
      const both = await register({
        name: 'both',
        type: 'tenant',
        database: dbs.admin,
        schema: 'a',
        schemaPattern: 'b%',
      });
      expect(both.status).toBe(422);
      expect(both.body.code).toBe('SCHEMA_CHOICE_INVALID');
      const badType = await register({ name: 'bt', type: 'warehouse', database: dbs.admin });
      expect(badType.status).toBe(400);
      expect(badType.body.code).toBe('VALIDATION_FAILED');
    });

    it('lists with filters, updates with a re-test, soft deletes', async () => {
      const tenantsOnly = (await call('/api/v1/databases?type=tenant')).body.items as Json[];
      expect(tenantsOnly.map((d) => d.name).sort()).toEqual(['gone', 'solo', 'tenants-eu']);
      expect(
        ((await call('/api/v1/databases?region=us')).body.items as Json[])
          .map((d) => d.name)
          .sort(),
      ).toEqual(['gone', 'solo']);
      expect(
        ((await call('/api/v1/databases?tenantId=solo-co')).body.items as Json[]).map(
          (d) => d.name,
        ),
      ).toEqual(['solo']);
      const page = await call('/api/v1/databases?limit=2');
      expect(page.body.items).toHaveLength(2);
      expect(
        (await call(`/api/v1/databases?limit=2&cursor=${page.body.nextCursor}`)).body.items,
      ).toHaveLength(2);

      const badPort = await call(
        `/api/v1/databases/${ids.shared}`,
        jsonBody({ port: 1 }, {}, 'PATCH'),
      );
      expect(badPort.status).toBe(422);
      expect((await call(`/api/v1/databases/${ids.shared}`)).body.port).toBe(server.port);
      const tagged = await call(
        `/api/v1/databases/${ids.shared}`,
        jsonBody({ tags: ['edge'] }, {}, 'PATCH'),
      );
      expect(tagged.body.tags).toEqual(['edge']);

      const test = await call(`/api/v1/databases/${ids.admin}/test`, { method: 'POST' });
      expect(test.body).toMatchObject({ reachable: true, error: null });
      expect(test.body.serverVersion).toMatch(/^\d+/);

      const temp = await register({ name: 'temp', type: 'analytics', database: dbs.analytics });
      expect((await call(`/api/v1/databases/${temp.body.id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
      expect((await call(`/api/v1/databases/${temp.body.id}`)).status).toBe(404);
      expect((await call(`/api/v1/databases/${temp.body.id}`, { method: 'DELETE' })).status).toBe(
        404,
      );
    });
  });

  describe('catalog', () => {
    it('lists versions per type with checksums and undo files', async () => {
      const { body } = await call('/api/v1/migrations/catalog', undefined, viewer);
      const tenantType = (body.types as Json[]).find((x) => x.type === 'tenant')!;
      expect(tenantType.latestVersion).toBe('3');
      expect(
        (tenantType.files as Json[]).map((f) => [f.kind, f.version ?? f.description, f.hasUndo]),
      ).toEqual([
        ['versioned', '1', true],
        ['versioned', '2', true],
        ['versioned', '3', true],
        ['repeatable', 'items_view', false],
      ]);
      const v2 = (tenantType.files as Json[])[1];
      expect(v2.noTransaction).toBe(true);
      expect(v2.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect((tenantType.files as Json[])[2].dependsOn).toEqual(['admin:2']);
    });

    it('reports a malformed name, a duplicate version or a cycle, and keeps the catalog', async () => {
      const before = (await call('/api/v1/migrations/catalog')).body;
      const tryReload = async () => call('/api/v1/migrations/catalog/reload', { method: 'POST' });

      sql.write('tenant', 'V4-missing-separator.sql', 'SELECT 1;');
      let r = await tryReload();
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('CATALOG_INVALID');
      expect(r.body.problems[0].file).toBe('tenant/V4-missing-separator.sql');
      sql.remove('tenant', 'V4-missing-separator.sql');

      sql.write('tenant', 'V003__again.sql', 'SELECT 1;');
      r = await tryReload();
      expect(r.body.problems[0].message).toMatch(/duplicate version 3/);
      expect(`${r.body.problems[0].file} ${r.body.problems[0].message}`).toMatch(
        /V003__again\.sql.*V3__plan_ref\.sql|V3__plan_ref\.sql.*V003__again\.sql/,
      );
      sql.remove('tenant', 'V003__again.sql');

      sql.write('admin', 'V3__loop.sql', '-- meridian:depends-on shared:2\nSELECT 1;');
      sql.write('shared', 'V2__loop.sql', '-- meridian:depends-on admin:3\nSELECT 1;');
      r = await tryReload();
      expect(r.status).toBe(422);
      expect(r.body.problems[0].message).toMatch(/dependency cycle/);
      sql.remove('admin', 'V3__loop.sql');
      sql.remove('shared', 'V2__loop.sql');

      const after = (await call('/api/v1/migrations/catalog')).body;
      expect(after.types).toEqual(before.types);
      expect(after.lastReloadProblems).toHaveLength(1);
      const ok = await tryReload();
      expect(ok.status).toBe(200);
      expect(ok.body.lastReloadProblems).toEqual([]);
    });
  });

  describe('plans', () => {
    it('plans per target: pending files in order and unmet dependencies; nothing changes', async () => {
      const { status, body } = await post('/api/v1/migrations/plan', { scope: 'tenant' }, viewer);
      expect(status).toBe(200);
      expect(body.totalTargets).toBe(TENANTS + 2);
      expect(body.unreachableTargets).toBe(0);
      const first = (body.targets as Json[]).find((x) => x.schema === tenant(1))!;
      expect(first).toMatchObject({
        databaseName: 'tenants-eu',
        tenantId: tenant(1),
        wave: 3,
        currentVersion: null,
        reachable: true,
      });
      expect((first.pending as Json[]).map((p) => p.fileName)).toEqual([
        'V1__items.sql',
        'V2__items_name_index.sql',
        'V3__plan_ref.sql',
        'R__items_view.sql',
      ]);
      // admin:2 is on no admin database, and this plan does not apply it
      expect(first.missingDependencies).toEqual([
        { type: 'admin', version: '2', requiredBy: 'V3__plan_ref.sql' },
      ]);
      expect((body.targets as Json[]).some((x) => x.schema === 'other_schema')).toBe(false);
      const exists = await onTarget(
        serverUrl,
        dbs.tenants,
        async (c) =>
          (await c.query(`SELECT to_regclass('tenant_001.meridian_schema_history') AS t`))
            .rows[0] as Json,
      );
      expect(exists.t).toBeNull();
    });

    it('counts a dependency applied by an earlier wave of the same plan as met', async () => {
      const { body } = await post('/api/v1/migrations/plan', { scope: 'all', canary: 2 });
      expect((body.waves as Json[]).map((w) => [w.name, w.targets])).toEqual([
        ['admin', 1],
        ['regional', 1],
        ['canary', 2],
        ['tenants', TENANTS],
      ]);
      expect(
        (body.targets as Json[]).every((x) => (x.missingDependencies as Json[]).length === 0),
      ).toBe(true);
    });

    it('says so when the filters match nothing, and checks its input', async () => {
      const none = await post('/api/v1/migrations/plan', {
        scope: 'tenant',
        filters: { tenantIds: ['nobody'] },
      });
      expect(none.status).toBe(200);
      expect(none.body).toMatchObject({
        totalTargets: 0,
        message: expect.stringMatching(/No registered target/),
      });
      expect((await post('/api/v1/migrations/plan', { scope: 'galaxy' })).body.code).toBe(
        'VALIDATION_FAILED',
      );
      expect(
        (await post('/api/v1/migrations/execute', { scope: 'all', concurrency: 65 })).status,
      ).toBe(400);
      expect(
        (await post('/api/v1/migrations/execute', { scope: 'all', concurrency: 0 })).status,
      ).toBe(400);
      expect((await post('/api/v1/migrations/plan', { scope: 'single' })).body.code).toBe(
        'TARGET_REQUIRED',
      );
      expect(
        (
          await post('/api/v1/migrations/plan', {
            scope: 'single',
            target: { databaseId: ids.tenants },
          })
        ).body.code,
      ).toBe('SCHEMA_REQUIRED');
      const noSchema = await post('/api/v1/migrations/plan', {
        scope: 'single',
        target: { databaseId: ids.tenants, schema: 'tenant_999' },
      });
      expect(noSchema.body.code).toBe('TARGET_NOT_FOUND');
      const nothing = await post('/api/v1/migrations/execute', {
        scope: 'tenant',
        filters: { regions: ['mars'] },
      });
      expect(nothing.status).toBe(422);
      expect(nothing.body.code).toBe('NO_MATCHING_TARGETS');
      expect((await call('/api/v1/migrations?limit=100')).body.items).toHaveLength(0);
    });

    it('answers the same for the live registry with query parameters', async () => {
      const { status, body } = await call(
        `/api/v1/migrations/dynamic/plan?scope=tenant&region=us&tenantId=solo-co`,
        undefined,
        viewer,
      );
      expect(status).toBe(200);
      expect((body.targets as Json[]).map((x) => x.databaseName)).toEqual(['solo']);
      expect(
        (await call('/api/v1/migrations/dynamic/plan?type=tenant&type=admin')).body.totalTargets,
      ).toBe(TENANTS + 3);
    });
  });

  describe('executions', () => {
    let first: string;

    it('applies everything in waves, canary first, with progress over SSE', async () => {
      const { status, body } = await post(
        '/api/v1/migrations/execute',
        { scope: 'all', concurrency: 6, canary: 2 },
        operator,
      );
      expect(status).toBe(202);
      expect(body).toMatchObject({
        scope: 'all',
        concurrency: 6,
        canary: 2,
        executedBy: operator.id,
      });
      first = body.id as string;
      const res = await t.request(`/api/v1/migrations/${first}/events`, { headers: viewer.auth });
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const { events } = await readSse(res, (e) => e.event === 'end', 60_000);
      const end = events.at(-1)!;
      expect(end.event).toBe('end');
      expect((end.data as Json).status).toBe('completed');
      expect((end.data as Json).progress).toMatchObject({
        total: TENANTS + 4,
        completed: TENANTS + 4,
        failed: 0,
        percentage: 100,
      });
      expect(events.filter((e) => e.event === 'progress').length).toBeGreaterThanOrEqual(1);

      const ts = await targets(first);
      const startOf = (name: string) =>
        Math.min(
          ...ts.filter((x) => x.waveName === name).map((x) => Date.parse(x.startedAt as string)),
        );
      const endOf = (name: string) =>
        Math.max(
          ...ts.filter((x) => x.waveName === name).map((x) => Date.parse(x.finishedAt as string)),
        );
      expect(endOf('admin')).toBeLessThanOrEqual(startOf('regional'));
      expect(endOf('regional')).toBeLessThanOrEqual(startOf('canary'));
      expect(endOf('canary')).toBeLessThanOrEqual(startOf('tenants'));
      const t5 = ts.find((x) => x.schema === tenant(5))!;
      expect((t5.applied as Json[]).map((f) => f.key)).toEqual([
        'V:1',
        'V:2',
        'V:3',
        'R:items_view',
      ]);
      expect(t5.durationMs).toEqual(expect.any(Number));

      const rows = await history(dbs.tenants, tenant(5));
      expect(rows.map((r) => [r.kind, r.version ?? r.description, r.success])).toEqual([
        ['versioned', '1', true],
        ['versioned', '2', true],
        ['versioned', '3', true],
        ['repeatable', 'items_view', true],
      ]);
      expect(rows[0].installed_by).toBe(operator.id);
      const index = await onTarget(serverUrl, dbs.tenants, async (c) =>
        (
          await c.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1`, [tenant(5)])
        ).rows.map((r: Json) => r.indexname),
      );
      expect(index).toContain('items_name');
    }, 90_000);

    it('lists executions and skips targets with nothing pending', async () => {
      const again = await post('/api/v1/migrations/execute', {
        scope: 'tenant',
        filters: { tenantIds: [tenant(1)] },
      });
      const done = await finished(again.body.id as string);
      expect(done.status).toBe('completed');
      expect(done.progress).toMatchObject({ total: 1, skipped: 1 });
      const list = await call('/api/v1/migrations?limit=1');
      expect(list.body.items[0].id).toBe(again.body.id);
      const next = await call(`/api/v1/migrations?limit=1&cursor=${list.body.nextCursor}`);
      expect(next.body.items[0].id).toBe(first);
      expect((await call('/api/v1/migrations?status=completed&limit=100')).body.items).toHaveLength(
        2,
      );
      expect((await call('/api/v1/migrations?status=nope')).status).toBe(400);
    });

    it('re-applies a repeatable file when its checksum changes', async () => {
      sql.write(
        'tenant',
        'R__items_view.sql',
        'CREATE OR REPLACE VIEW item_names AS SELECT name, id FROM items;\n',
      );
      expect((await call('/api/v1/migrations/catalog/reload', { method: 'POST' })).status).toBe(
        200,
      );
      const run = await post('/api/v1/migrations/execute', {
        scope: 'tenant',
        filters: { tenantIds: [tenant(2)] },
      });
      expect((await finished(run.body.id as string)).status).toBe('completed');
      const rows = await history(dbs.tenants, tenant(2));
      expect(rows.filter((r) => r.kind === 'repeatable')).toHaveLength(2);
    });

    it('blocks a drifted target until an operator repairs it, and records the repair', async () => {
      sql.write(
        'tenant',
        'V1__items.sql',
        'CREATE TABLE items (id int PRIMARY KEY, name text); -- edited\n',
      );
      expect((await call('/api/v1/migrations/catalog/reload', { method: 'POST' })).status).toBe(
        200,
      );
      sql.write('tenant', 'V4__notes.sql', 'ALTER TABLE items ADD COLUMN note text;\n');
      sql.write('tenant', 'U4__notes.sql', 'ALTER TABLE items DROP COLUMN note;\n');
      expect((await call('/api/v1/migrations/catalog/reload', { method: 'POST' })).status).toBe(
        200,
      );
      const plan = await post('/api/v1/migrations/plan', {
        scope: 'single',
        target: { databaseId: ids.tenants, schema: tenant(3) },
      });
      expect(plan.body.targets[0].drift).toEqual([
        { version: '1', appliedChecksum: expect.any(String), catalogChecksum: expect.any(String) },
      ]);
      expect(plan.body.blockedTargets).toBe(1);
      const run = await post('/api/v1/migrations/execute', {
        scope: 'single',
        target: { databaseId: ids.tenants, schema: tenant(3) },
      });
      const done = await finished(run.body.id as string);
      expect(done.status).toBe('failed');
      const [blocked] = await targets(run.body.id as string);
      expect(blocked).toMatchObject({ status: 'blocked', errorCode: 'MIGRATION_DRIFT' });

      expect((await post(`/api/v1/databases/${ids.tenants}/repair`, {}, operator)).status).toBe(
        403,
      );
      const repair = await post(`/api/v1/databases/${ids.tenants}/repair`, { schema: tenant(3) });
      expect(repair.status).toBe(200);
      expect(repair.body.repaired).toEqual([{ schema: tenant(3), versions: ['1'] }]);
      const rows = await history(dbs.tenants, tenant(3));
      expect(rows.at(-1)).toMatchObject({
        kind: 'repair',
        version: '1',
        installed_by: infra.email,
        success: true,
      });
      const replan = await post('/api/v1/migrations/plan', {
        scope: 'single',
        target: { databaseId: ids.tenants, schema: tenant(3) },
      });
      expect(replan.body.targets[0].drift).toEqual([]);
      // the rest of the tenants accept the edited file too
      expect(
        (await post(`/api/v1/databases/${ids.tenants}/repair`, {})).body.repaired,
      ).toHaveLength(TENANTS - 1);
      await post(`/api/v1/databases/${ids.solo}/repair`, {});
      await post(`/api/v1/databases/${ids.gone}/repair`, {});
    });

    let continued: string;

    it('reports a broken and an unreachable tenant and goes on (onError continue)', async () => {
      await onTarget(serverUrl, dbs.tenants, (c) =>
        c.query(`ALTER TABLE ${tenant(4)}.items ADD COLUMN note text`),
      );
      await dropTargetDatabase(serverUrl, dbs.gone);
      const run = await post('/api/v1/migrations/execute', {
        scope: 'tenant',
        filters: {
          tenantIds: [tenant(1), tenant(2), tenant(3), tenant(4), tenant(5), tenant(6), 'gone-co'],
        },
        onError: 'continue',
        concurrency: 3,
      });
      continued = run.body.id as string;
      const done = await finished(continued);
      expect(done.status).toBe('completed_with_errors');
      expect(done.progress).toMatchObject({ total: 7, completed: 5, failed: 2 });
      const ts = await targets(continued);
      const broken = ts.find((x) => x.schema === tenant(4))!;
      expect(broken).toMatchObject({
        status: 'failed',
        errorCode: 'SQL_ERROR',
        failingFile: 'tenant/V4__notes.sql',
        databaseErrorCode: '42701',
      });
      expect(broken.errorMessage).toMatch(/already exists/);
      expect(ts.find((x) => x.tenantId === 'gone-co')).toMatchObject({
        status: 'unreachable',
        errorCode: 'DATABASE_UNREACHABLE',
      });
      const gone = await call(`/api/v1/databases/${ids.gone}`);
      expect(gone.body.lastStatus).toBe('unreachable');
      const failedRow = (await history(dbs.tenants, tenant(4))).at(-1)!;
      expect(failedRow).toMatchObject({ version: '4', success: false });
      const plan = await post('/api/v1/migrations/plan', {
        scope: 'single',
        target: { databaseId: ids.tenants, schema: tenant(4) },
      });
      expect(plan.body.targets[0].failures).toEqual([
        { version: '4', description: 'notes', at: expect.any(String) },
      ]);
    });

    it('starts no new target after a failure (onError stop)', async () => {
      await onTarget(serverUrl, dbs.tenants, (c) =>
        c.query(`ALTER TABLE ${tenant(7)}.items ADD COLUMN note text`),
      );
      const run = await post('/api/v1/migrations/execute', {
        scope: 'tenant',
        filters: { tenantIds: [tenant(7), tenant(8), tenant(9), tenant(10)] },
        concurrency: 1,
      });
      const done = await finished(run.body.id as string);
      expect(done.status).toBe('failed');
      expect(done.metadata.stopReason).toMatch(/onError stop/);
      const ts = await targets(run.body.id as string);
      expect(ts.map((x) => x.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped']);
      expect(ts[1].errorCode).toBe('EXECUTION_STOPPED');
      expect(
        (await post('/api/v1/migrations/rollback', { executionId: run.body.id })).body.code,
      ).toBe('EXECUTION_FAILED');
    });

    it('stops every other tenant when a canary target fails, whatever onError says', async () => {
      await onTarget(serverUrl, dbs.tenants, (c) =>
        c.query(`ALTER TABLE ${tenant(11)}.items ADD COLUMN note text`),
      );
      const run = await post('/api/v1/migrations/execute', {
        scope: 'tenant',
        filters: { tenantIds: [tenant(11), tenant(12), tenant(13), tenant(14), tenant(15)] },
        canary: 2,
        onError: 'continue',
      });
      const done = await finished(run.body.id as string);
      expect(done.status).toBe('failed');
      const ts = await targets(run.body.id as string);
      expect(ts.filter((x) => x.waveName === 'tenants').map((x) => x.status)).toEqual([
        'skipped',
        'skipped',
        'skipped',
      ]);
      expect(ts.find((x) => x.schema === tenant(11))!.status).toBe('failed');
    });

    it('reports where in a file the database error points', async () => {
      sql.write(
        'shared',
        'V2__typo.sql',
        '-- a comment line\nCREATE TABLE ok_table (id int);\nSELEC 1;\n',
      );
      expect((await call('/api/v1/migrations/catalog/reload', { method: 'POST' })).status).toBe(
        200,
      );
      const run = await post('/api/v1/migrations/execute', { scope: 'regional' });
      expect((await finished(run.body.id as string)).status).toBe('failed');
      const [target] = await targets(run.body.id as string);
      expect(target).toMatchObject({
        failingFile: 'shared/V2__typo.sql',
        databaseErrorCode: '42601',
        errorLine: 3,
        errorPosition: 51,
      });
      const exists = await onTarget(
        serverUrl,
        dbs.shared,
        async (c) => (await c.query(`SELECT to_regclass('public.ok_table') AS t`)).rows[0] as Json,
      );
      expect(exists.t).toBeNull();
      sql.remove('shared', 'V2__typo.sql');
      expect((await call('/api/v1/migrations/catalog/reload', { method: 'POST' })).status).toBe(
        200,
      );
    });

    it('never applies to one target from two executions at once: the second reports locked', async () => {
      const analytics = await register({
        name: 'analytics-eu',
        type: 'analytics',
        database: dbs.analytics,
        region: 'eu',
      });
      ids.analytics = analytics.body.id as string;
      sql.write(
        'analytics',
        'V1__slow.sql',
        'SELECT pg_sleep(2.5);\nCREATE TABLE events (id int);\nINSERT INTO events VALUES (1);\n',
      );
      expect((await call('/api/v1/migrations/catalog/reload', { method: 'POST' })).status).toBe(
        200,
      );
      const body = { scope: 'regional', filters: { types: ['analytics'] } };
      const a = await post('/api/v1/migrations/execute', body);
      await waitFor('the first execution to hold the lock', async () => {
        const plan = await post('/api/v1/migrations/plan', body);
        return plan.body.targets[0].lockHolder ? true : undefined;
      });
      const running = await post('/api/v1/migrations/rollback', { executionId: a.body.id });
      expect(running.status).toBe(409);
      expect(running.body.code).toBe('EXECUTION_RUNNING');
      const b = await post('/api/v1/migrations/execute', body);
      const [da, db] = [await finished(a.body.id as string), await finished(b.body.id as string)];
      expect(da.status).toBe('completed');
      expect(db.status).toBe('failed');
      expect((await targets(b.body.id as string))[0]).toMatchObject({
        status: 'locked',
        errorCode: 'TARGET_LOCKED',
      });
      const rows = await onTarget(
        serverUrl,
        dbs.analytics,
        async (c) => (await c.query('SELECT count(*)::int AS n FROM events')).rows[0] as Json,
      );
      expect(rows.n).toBe(1);
    });

    it('cancels: running targets finish, no new one starts', async () => {
      const second = await createTargetDatabase(serverUrl, 'orch_analytics2');
      dbs.analytics2 = second;
      await register({ name: 'analytics-us', type: 'analytics', database: second, region: 'us' });
      sql.write('analytics', 'V2__slow_again.sql', 'SELECT pg_sleep(1.5);\n');
      expect((await call('/api/v1/migrations/catalog/reload', { method: 'POST' })).status).toBe(
        200,
      );
      const run = await post('/api/v1/migrations/execute', {
        scope: 'regional',
        filters: { types: ['analytics'] },
        concurrency: 1,
      });
      await waitFor('a target to start', async () =>
        (await targets(run.body.id as string)).some((x) => x.status === 'running')
          ? true
          : undefined,
      );
      const cancel = await call(
        `/api/v1/migrations/${run.body.id}/cancel`,
        { method: 'POST' },
        operator,
      );
      expect(cancel.status).toBe(202);
      expect(cancel.body.cancelRequested).toBe(true);
      const done = await finished(run.body.id as string);
      expect(done.status).toBe('cancelled');
      expect((await targets(run.body.id as string)).map((x) => x.status).sort()).toEqual([
        'completed',
        'skipped',
      ]);
      expect(
        (await call(`/api/v1/migrations/${run.body.id}/cancel`, { method: 'POST' })).body.code,
      ).toBe('EXECUTION_FINISHED');
    });

    it('rolls back what an execution applied, newest first, on the targets that completed', async () => {
      expect((await post('/api/v1/migrations/rollback', { executionId: first })).body.code).toBe(
        'NEWER_VERSIONS_APPLIED',
      );
      sql.remove('tenant', 'U4__notes.sql');
      expect((await call('/api/v1/migrations/catalog/reload', { method: 'POST' })).status).toBe(
        200,
      );
      const missing = await post('/api/v1/migrations/rollback', { executionId: continued });
      expect(missing.status).toBe(422);
      expect(missing.body).toMatchObject({
        code: 'UNDO_MISSING',
        versions: [{ type: 'tenant', version: '4' }],
      });
      sql.write('tenant', 'U4__notes.sql', 'ALTER TABLE items DROP COLUMN note;\n');
      expect((await call('/api/v1/migrations/catalog/reload', { method: 'POST' })).status).toBe(
        200,
      );

      const rb = await post('/api/v1/migrations/rollback', { executionId: continued }, operator);
      expect(rb.status).toBe(202);
      expect(rb.body.metadata.rollbackOf).toBe(continued);
      const done = await finished(rb.body.id as string);
      expect(done.status).toBe('completed');
      expect(done.progress.total).toBe(5);
      expect((await call(`/api/v1/migrations/status/${continued}`)).body.status).toBe(
        'rolled_back',
      );
      const rows = await history(dbs.tenants, tenant(5));
      expect(rows.at(-1)).toMatchObject({ kind: 'undo', version: '4', success: true });
      const col = await onTarget(
        serverUrl,
        dbs.tenants,
        async (c) =>
          (
            await c.query(
              `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'note'`,
              [tenant(5)],
            )
          ).rows[0] as Json,
      );
      expect(col.n).toBe(0);
      expect(
        (await post('/api/v1/migrations/rollback', { executionId: continued })).body.code,
      ).toBe('ALREADY_ROLLED_BACK');
      expect(
        (await post('/api/v1/migrations/rollback', { executionId: rb.body.id })).body.code,
      ).toBe('NOT_ROLLBACKABLE');
      expect(
        (
          await post('/api/v1/migrations/rollback', {
            executionId: '00000000-0000-4000-8000-000000000000',
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('tenants', () => {
    it('lists tenants with their current version and pending count', async () => {
      const { body } = await call('/api/v1/tenants?limit=100', undefined, viewer);
      const byId = new Map((body.items as Json[]).map((x) => [x.tenantId, x]));
      expect(byId.get(tenant(5))).toMatchObject({
        databaseName: 'tenants-eu',
        schema: tenant(5),
        currentVersion: '3',
        pendingCount: 1,
      });
      expect(byId.get('solo-co')).toMatchObject({ currentVersion: '3' });
      expect(byId.has('gone-co')).toBe(false);
      const page = await call('/api/v1/tenants?limit=5');
      expect(page.body.items).toHaveLength(5);
      expect(
        (await call(`/api/v1/tenants?limit=5&cursor=${page.body.nextCursor}`)).body.items[0]
          .tenantId > page.body.items[4].tenantId,
      ).toBe(true);
    });

    it("reads a tenant's history from its own table and migrates one tenant", async () => {
      const h = await call(`/api/v1/tenants/${tenant(6)}/migrations`);
      expect(h.status).toBe(200);
      expect((h.body.history as Json[]).map((r) => r.kind)).toContain('undo');
      await onTarget(serverUrl, dbs.tenants, (c) => c.query(`CREATE SCHEMA ${tenant(40)}`));
      const run = await post(`/api/v1/tenants/${tenant(40)}/migrate`, {}, operator);
      expect(run.status).toBe(202);
      expect(run.body.scope).toBe('single');
      expect((await finished(run.body.id as string)).status).toBe('completed');
      expect(
        (await history(dbs.tenants, tenant(40))).map((r) => r.version ?? r.description),
      ).toEqual(['1', '2', '3', '4', 'items_view']);
      expect((await call('/api/v1/tenants/nobody/migrations')).body.code).toBe('TENANT_NOT_FOUND');
      expect((await call('/api/v1/tenants/bad%20id/migrations')).status).toBe(400);
    });
  });

  describe('schedules', () => {
    it('refuses cron expressions that do not parse, unknown zones and bad timings', async () => {
      const base = { name: 's', scope: 'admin' };
      const cases: [Json, string][] = [
        [{ cronExpression: 'every day' }, 'CRON_INVALID'],
        [{ cronExpression: '61 * * * *' }, 'CRON_INVALID'],
        [{ cronExpression: '0 3 * * *', timezone: 'Mars/Olympus' }, 'TIMEZONE_INVALID'],
        [
          { cronExpression: '0 3 * * *', runAt: new Date(Date.now() + 60_000).toISOString() },
          'SCHEDULE_TIMING_INVALID',
        ],
        [{}, 'SCHEDULE_TIMING_INVALID'],
        [{ runAt: '2001-01-01T00:00:00.000Z' }, 'SCHEDULE_TIMING_INVALID'],
      ];
      for (const [extra, code] of cases) {
        const r = await post('/api/v1/migrations/schedules', { ...base, ...extra });
        expect([r.status, r.body.code]).toEqual([422, code]);
      }
      expect((await call('/api/v1/migrations/schedules')).body.items).toHaveLength(0);
    });

    it('runs a cron schedule (6 fields, IANA zone) as an ordinary execution', async () => {
      const created = await post('/api/v1/migrations/schedules', {
        name: 'every second',
        scope: 'admin',
        cronExpression: '* * * * * *',
        timezone: 'Europe/Paris',
      });
      expect(created.status).toBe(201);
      expect(created.body.nextRunAt).toEqual(expect.any(String));
      const id = created.body.id as string;
      const execution = await waitFor('a scheduled execution', async () => {
        const list = (await call('/api/v1/migrations?limit=5')).body.items as Json[];
        return list.find((e) => e.executedBy === `schedule:${id}`);
      });
      expect(execution.metadata.scheduleId).toBe(id);
      expect((await call(`/api/v1/migrations/schedules/${id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
      expect((await call(`/api/v1/migrations/schedules/${id}`)).status).toBe(404);
      const schedulers = await t.app
        .get(QueueProducer)
        .queue(QueueName.Migrations)
        .getJobSchedulers();
      expect(schedulers.map((s) => s.key)).not.toContain(`migration-schedule-${id}`);
    });

    it('runs a one-off schedule once, then disables it', async () => {
      const created = await post('/api/v1/migrations/schedules', {
        name: 'once',
        scope: 'admin',
        runAt: new Date(Date.now() + 1_000).toISOString(),
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const after = await waitFor('the one-off run', async () => {
        const s = (await call(`/api/v1/migrations/schedules/${id}`)).body;
        return s.lastExecutionId ? s : undefined;
      });
      expect(after).toMatchObject({ enabled: false, nextRunAt: null });
      const patched = await call(
        `/api/v1/migrations/schedules/${id}`,
        jsonBody({ cronExpression: 'nope' }, {}, 'PATCH'),
      );
      expect(patched.body.code).toBe('CRON_INVALID');
    });
  });

  describe('health and secrets', () => {
    it('reports queue, workers, registry counts and the last execution', async () => {
      const { status, body } = await call('/api/v1/migrations/health', undefined, viewer);
      expect(status).toBe(200);
      expect(body.queue.reachable).toBe(true);
      expect(body.workers.recent).toBeGreaterThanOrEqual(1);
      expect(body.registry).toMatchObject({ unreachable: 1 });
      expect(body.registry.active).toBeGreaterThanOrEqual(6);
      expect(body.lastExecution).toMatchObject({
        id: expect.any(String),
        status: expect.any(String),
      });
      const h = await call(`/api/v1/databases/${ids.tenants}/health`);
      expect(h.body).toMatchObject({ reachable: true, latencyMs: expect.any(Number) });
      expect((h.body.schemas as Json[]).find((s) => s.schema === tenant(5))).toMatchObject({
        currentVersion: '3',
        pendingCount: 1,
      });
    });

    it('never shows a target password in responses, logs or job data', async () => {
      const jobs = await t.app
        .get(QueueProducer)
        .queue(QueueName.Migrations)
        .getJobs(['completed', 'failed', 'waiting', 'delayed', 'active'], 0, 1000);
      expect(jobs.length).toBeGreaterThan(10);
      const jobText = JSON.stringify(jobs.map((j) => [j.data, j.returnvalue, j.failedReason]));
      expect(logText.length).toBeGreaterThan(1000);
      expect(seen.length).toBeGreaterThan(50);
      for (const text of [jobText, logText, ...seen]) expect(text).not.toContain(PASSWORD);
      const executions = await onTarget(serverUrl, t.databaseName, async (c) =>
        JSON.stringify((await c.query('SELECT * FROM orchestrator_executions')).rows),
      );
      expect(executions).not.toContain(PASSWORD);
    });
  });
});
