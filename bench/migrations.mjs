#!/usr/bin/env node
// The migration orchestrator: one new version (an ALTER TABLE and an index) applied to
// 1,000 tenant schemas in one database, and to 50 tenant databases, by
//   - Meridian (POST /api/v1/migrations/execute, external mode, BullMQ on Redis),
//   - node-pg-migrate run once per schema/database, as a team without an orchestrator
//     would script it (its CLI, one process per target),
//   - a bare in-process loop with `pg` applying the file target after target,
// in the same run, on the same server, each applying its own (identical) version. Also the
// time of a plan over all the schemas, and the peak number of connections to the target
// databases during each method.
//
//   npm run build && node bench/migrations.mjs              # 3 runs
//   node bench/migrations.mjs --runs 1 --schemas 200 --databases 10 --pgm-sample 20
//
// node-pg-migrate spawns a process per target; it runs on --pgm-sample targets of each
// layout and its wall time for all of them is extrapolated from its rate (labelled so).
// Uses the bench server (BENCH_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432);
// creates and drops only databases named orch_bench_* and meridian_bench.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { databaseUrl, infraSettings, recreateDatabase, resetRedisPrefix } from './lib/infra.mjs';
import { AUTH_MERIDIAN_ENV, loginAdmin, meridianCall } from './lib/login.mjs';
import { assertBuilt, MAIN_ROOT, startMeridian } from './lib/meridian.mjs';
import { sleep } from './lib/net.mjs';
import { installCleanup, stopAll, stopServer } from './lib/proc.mjs';
import { median } from './lib/stats.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    schemas: { type: 'string', default: '1000' },
    databases: { type: 'string', default: '50' },
    rows: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '32' },
    'pgm-sample': { type: 'string', default: '50' },
  },
});
const RUNS = Number(opts.runs);
const SCHEMAS = Number(opts.schemas);
const DATABASES = Number(opts.databases);
const ROWS = Number(opts.rows);
const CONCURRENCY = Number(opts.concurrency);
const PGM_SAMPLE = Number(opts['pgm-sample']);
const infra = infraSettings();
const SCHEMA_DB = 'orch_bench_schemas';
const dbName = (i) => `orch_bench_db_${String(i).padStart(3, '0')}`;
const schemaName = (i) => `tenant_${String(i).padStart(4, '0')}`;
const PGM_BIN = path.join(
  MAIN_ROOT,
  'node_modules',
  'node-pg-migrate',
  'bin',
  'node-pg-migrate.js',
);

const sqlFor = (tag) =>
  `ALTER TABLE items ADD COLUMN ${tag} integer;\nCREATE INDEX ${tag}_idx ON items (${tag});\n`;

async function onDb(name, fn) {
  const c = new pg.Client({ connectionString: databaseUrl(infra.adminUrl, name) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function setup() {
  console.error(
    `bench: creating ${SCHEMAS} schemas and ${DATABASES} databases (${ROWS} rows each)`,
  );
  await recreateDatabase(infra.adminUrl, SCHEMA_DB);
  const table = `CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, ${ROWS}) g;`;
  await onDb(SCHEMA_DB, async (c) => {
    for (let i = 1; i <= SCHEMAS; i++) {
      await c.query(
        `CREATE SCHEMA ${schemaName(i)}; SET search_path TO ${schemaName(i)}; ${table}`,
      );
    }
  });
  for (let i = 1; i <= DATABASES; i++) {
    await recreateDatabase(infra.adminUrl, dbName(i));
    await onDb(dbName(i), (c) => c.query(table));
  }
}

/** Samples the connections to the target databases every 20 ms until stopped. */
function connectionSampler() {
  const c = new pg.Client({ connectionString: infra.adminUrl });
  let peak = 0;
  let stop = false;
  const done = (async () => {
    await c.connect();
    while (!stop) {
      const { rows } = await c.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname LIKE 'orch_bench_%'`,
      );
      peak = Math.max(peak, rows[0].n);
      await sleep(20);
    }
    await c.end();
  })();
  return async () => {
    stop = true;
    await done;
    return peak;
  };
}

async function measure(fn) {
  const stopSampler = connectionSampler();
  const started = performance.now();
  const extra = await fn();
  const wallMs = performance.now() - started;
  return { wallMs, peakConnections: await stopSampler(), ...extra };
}

// ---- the three methods ----------------------------------------------------------------

async function bareLoop(targets, tag) {
  const sql = sqlFor(tag);
  const byDb = new Map();
  for (const t of targets) byDb.set(t.db, [...(byDb.get(t.db) ?? []), t.schema]);
  for (const [db, schemas] of byDb) {
    await onDb(db, async (c) => {
      for (const s of schemas) {
        await c.query('BEGIN');
        await c.query(`SET LOCAL search_path TO ${s}`);
        await c.query(sql);
        await c.query('COMMIT');
      }
    });
  }
}

async function nodePgMigrate(targets, tag, dir) {
  const migrations = path.join(dir, `pgm-${tag}`);
  mkdirSync(migrations, { recursive: true });
  writeFileSync(
    path.join(migrations, `${Date.now()}_${tag}.sql`),
    `-- Up Migration\n${sqlFor(tag)}\n-- Down Migration\n`,
  );
  for (const t of targets) {
    await run(
      process.execPath,
      [PGM_BIN, 'up', '-m', migrations, '-s', t.schema, '-t', 'pgmigrations', '--no-check-order'],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl(infra.adminUrl, t.db) },
        timeout: 60_000,
      },
    );
  }
}

async function meridianExecute(m, token, sourceDir, ids, tag, version) {
  writeFileSync(path.join(sourceDir, 'tenant', `V${version}__${tag}.sql`), sqlFor(tag));
  await meridianCall(m.baseUrl, 'POST', '/api/v1/migrations/catalog/reload', { token });
  const started = performance.now();
  const execution = await meridianCall(m.baseUrl, 'POST', '/api/v1/migrations/execute', {
    token,
    body: {
      scope: 'tenant',
      filters: { databaseIds: ids },
      concurrency: CONCURRENCY,
      onError: 'continue',
    },
  });
  for (;;) {
    const s = await meridianCall(m.baseUrl, 'GET', `/api/v1/migrations/status/${execution.id}`, {
      token,
    });
    if (!['pending', 'in_progress'].includes(s.status)) {
      if (s.status !== 'completed' || s.progress.completed !== s.progress.total)
        throw new Error(`bench: execution ended ${s.status}: ${JSON.stringify(s.progress)}`);
      return { targets: s.progress.total, clientMs: performance.now() - started };
    }
    await sleep(25);
  }
}

// ---- the run ------------------------------------------------------------------------------

async function main() {
  assertBuilt();
  installCleanup({ maxMs: 3 * 3600_000 });
  await setup();
  const sourceDir = mkdtempSync(path.join(tmpdir(), 'meridian-bench-sql-'));
  mkdirSync(path.join(sourceDir, 'tenant'));
  await recreateDatabase(infra.adminUrl, infra.database);
  await resetRedisPrefix(infra.redisUrl, infra.queuePrefix);
  const dbUrl = databaseUrl(infra.adminUrl, infra.database);
  const m = await startMeridian({
    mode: 'external',
    databaseUrl: dbUrl,
    redisUrl: infra.redisUrl,
    queuePrefix: infra.queuePrefix,
    extraEnv: {
      ...AUTH_MERIDIAN_ENV,
      MIGRATIONS_SOURCE_DIR: sourceDir,
      MIGRATION_WORKER_CONCURRENCY: String(CONCURRENCY),
      // one pool connection per lane, so lanes do not queue for Meridian's own database
      DATABASE_POOL_SIZE: String(CONCURRENCY + 8),
    },
  });
  const results = [];
  try {
    const { token } = await loginAdmin(m.baseUrl, dbUrl);
    const server = new URL(infra.adminUrl);
    const register = (body) =>
      meridianCall(m.baseUrl, 'POST', '/api/v1/databases', {
        token,
        body: {
          type: 'tenant',
          host: server.hostname,
          port: Number(server.port || 5432),
          user: decodeURIComponent(server.username || 'postgres'),
          ...body,
        },
      });
    const schemasDb = await register({
      name: 'bench-schemas',
      database: SCHEMA_DB,
      schemaPattern: 'tenant\\_%',
    });
    const dbIds = [];
    for (let i = 1; i <= DATABASES; i++)
      dbIds.push(
        (await register({ name: `bench-db-${i}`, database: dbName(i), tenantId: `db-${i}` })).id,
      );
    // Warm-up: every target gets its history table once (not measured).
    await meridianExecute(m, token, sourceDir, [schemasDb.id, ...dbIds], 'warm', 1).catch(
      () => undefined,
    );
    const layouts = {
      schemas: {
        ids: [schemasDb.id],
        targets: Array.from({ length: SCHEMAS }, (_, i) => ({
          db: SCHEMA_DB,
          schema: schemaName(i + 1),
        })),
      },
      databases: {
        ids: dbIds,
        targets: Array.from({ length: DATABASES }, (_, i) => ({
          db: dbName(i + 1),
          schema: 'public',
        })),
      },
    };
    let version = 2;
    for (let r = 1; r <= RUNS; r++) {
      const planStarted = performance.now();
      const plan = await meridianCall(m.baseUrl, 'POST', '/api/v1/migrations/plan', {
        token,
        body: { scope: 'tenant', filters: { databaseIds: [schemasDb.id] } },
      });
      const planMs = performance.now() - planStarted;
      for (const [layout, { ids, targets }] of Object.entries(layouts)) {
        console.error(`bench: run ${r}, ${layout}: meridian`);
        const tagM = `m_${layout[0]}_${r}`;
        const meridian = await measure(() =>
          meridianExecute(m, token, sourceDir, ids, tagM, version++),
        );
        console.error(`bench: run ${r}, ${layout}: bare pg loop`);
        const bare = await measure(() => bareLoop(targets, `b_${layout[0]}_${r}`));
        console.error(
          `bench: run ${r}, ${layout}: node-pg-migrate (${Math.min(PGM_SAMPLE, targets.length)} targets)`,
        );
        const sample = targets.slice(0, Math.min(PGM_SAMPLE, targets.length));
        const pgm = await measure(() => nodePgMigrate(sample, `p_${layout[0]}_${r}`, sourceDir));
        pgm.extrapolatedWallMs = (pgm.wallMs / sample.length) * targets.length;
        results.push({
          run: r,
          layout,
          targets: targets.length,
          planMs: layout === 'schemas' ? planMs : undefined,
          planTargets: plan.totalTargets,
          meridian,
          bare,
          pgm,
          pgmSample: sample.length,
        });
        console.error(
          `bench: run ${r} ${layout}: meridian ${meridian.wallMs.toFixed(0)} ms, bare ${bare.wallMs.toFixed(0)} ms, node-pg-migrate ${pgm.extrapolatedWallMs.toFixed(0)} ms (extrapolated)`,
        );
      }
    }
  } finally {
    await stopServer(m);
    await stopAll();
    rmSync(sourceDir, { recursive: true, force: true });
  }
  const outDir = path.join(HERE, 'results', 'migrations');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { opts: { RUNS, SCHEMAS, DATABASES, ROWS, CONCURRENCY, PGM_SAMPLE }, results },
      null,
      2,
    ),
  );
  console.log(report(results));
  console.error(`bench: wrote ${file}`);
}

function spread(values, digits = 0) {
  const sorted = [...values].sort((a, b) => a - b);
  return `${median(sorted).toFixed(digits)} (${sorted[0].toFixed(digits)}-${sorted.at(-1).toFixed(digits)})`;
}

function report(results) {
  const lines = [
    `| layout | targets | method | wall ms, median (range) | targets/s | peak connections | wall time ÷ Meridian's |`,
    `| --- | ---: | --- | ---: | ---: | ---: | ---: |`,
  ];
  for (const layout of ['schemas', 'databases']) {
    const rs = results.filter((r) => r.layout === layout);
    if (rs.length === 0) continue;
    const n = rs[0].targets;
    const row = (name, pick) => {
      const walls = rs.map(pick);
      const ratio = rs.map((r) => pick(r) / r.meridian.wallMs);
      lines.push(
        `| ${layout} | ${n} | ${name} | ${spread(walls)} | ${spread(
          walls.map((w) => (n / w) * 1000),
          1,
        )} | ${spread(rs.map((r) => (name === 'Meridian' ? r.meridian : name.startsWith('bare') ? r.bare : r.pgm).peakConnections))} | ${name === 'Meridian' ? '1' : `${spread(ratio, 2)}`} |`,
      );
    };
    row('Meridian', (r) => r.meridian.wallMs);
    row('bare pg loop', (r) => r.bare.wallMs);
    row(
      `node-pg-migrate per target (extrapolated from ${rs[0].pgmSample})`,
      (r) => r.pgm.extrapolatedWallMs,
    );
  }
  const plans = results.filter((r) => r.planMs !== undefined).map((r) => r.planMs);
  if (plans.length)
    lines.push(
      '',
      `Plan over ${results[0].planTargets} targets: ${spread(plans)} ms (median, range).`,
    );
  return lines.join('\n');
}

main().catch(async (err) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
