#!/usr/bin/env node
// Meridian benchmark harness. `npm run bench` builds, then runs this file.
//
//   node bench/run.mjs [--embedded] [--no-redis|--redis] [--no-cold] [--no-load]
//                      [--duration 10] [--warmup 2] [--connections 50] [--cold-repeats 3]
//                      [--scenario health ...] [--label text] [--out file.json]
//
// See bench/README.md for what each figure means.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBare } from './lib/bare.mjs';
import { runLoad } from './lib/load.mjs';
import {
  databaseUrl,
  ensureDatabase,
  infraSettings,
  postgresVersion,
  recreateDatabase,
  resetRedisPrefix,
} from './lib/infra.mjs';
import {
  assertBuilt,
  embeddedDatabaseUrl,
  makeDataDir,
  POOL_SIZE,
  removeDataDir,
  MAIN,
  MAIN_ROOT,
  startMeridian,
} from './lib/meridian.mjs';
import { sleep, sleepUnref } from './lib/net.mjs';
import { installCleanup, stopAll, stopServer } from './lib/proc.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { loadScenarios, resolveTargets } from './lib/scenarios.mjs';
import { measureSystemCpu, waitForQuiet } from './lib/cpu.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  allowNegative: true,
  options: {
    embedded: { type: 'boolean', default: false },
    redis: { type: 'boolean' },
    cold: { type: 'boolean', default: true },
    load: { type: 'boolean', default: true },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '0' },
    'cold-repeats': { type: 'string', default: '3' },
    'quiet-wait': { type: 'string', default: '60' },
    'quiet-threshold': { type: 'string', default: '0.2' },
    'noisy-threshold': { type: 'string', default: '0.25' },
    retries: { type: 'string', default: '2' },
    'max-minutes': { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    scenario: { type: 'string', multiple: true, default: [] },
    label: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`usage: node bench/run.mjs [options]   (or: npm run bench -- [options])
  --embedded          load-test Meridian in embedded mode (its own PostgreSQL under a temp DATA_DIR)
                      instead of external mode (the bench database on 127.0.0.1:5432)
  --redis/--no-redis  queue backend for Meridian: Redis (REDIS_URL) or BullMQ on PostgreSQL.
                      Default: Redis in external mode, PostgreSQL in embedded mode
  --no-cold           skip the cold-start measurements
  --no-load           skip the throughput/latency measurements
  --duration S        measured seconds per server and target (default 10)
  --warmup S          warm-up seconds before each measured run (default 2)
  --connections N     concurrent connections (default 50)
  --rate R            fixed offered load in requests/s over all connections (default 0:
                      as fast as the server answers)
  --cold-repeats N    warm restarts measured per mode (default 3)
  --quiet-wait S      before each measurement, wait up to S seconds for the machine to be quiet
                      (default 60; 0 = do not wait). Recorded with each figure either way
  --quiet-threshold C "quiet" = fewer than C cores busy machine-wide over 1 s (default 0.2)
  --noisy-threshold C a load run during which other processes took more than C cores is
                      "noisy" (default 0.25): it is repeated, and flagged if it stays noisy
  --retries N         repeats of a noisy load run (default 2)
  --max-minutes M     watchdog: stop everything and exit 2 after M minutes (default: derived)
  --env KEY=VALUE     extra environment for Meridian (repeatable; overrides the bench's own)
  --scenario NAME     only this scenario (repeatable); default: all of bench/scenarios/
  --label TEXT        free text stored with the results
  --out FILE          results JSON path (default bench/results/<timestamp>-<mode>.json)
env: BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_DATABASE (meridian_bench),
     BENCH_REDIS_URL (redis://127.0.0.1:6379), BENCH_QUEUE_PREFIX (meridian-bench),
     BENCH_MERIDIAN_MAIN (entry point under test; default dist/src/main.js),
     BENCH_MERIDIAN_REV (revision label for that entry point; default: git rev-parse HEAD)`);
  process.exit(0);
}

function positiveInt(name, value, max) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new Error(`bench: --${name} must be an integer 0..${max} (got ${value})`);
  return n;
}

const opts = {
  loadMode: args.embedded ? 'embedded' : 'external',
  redisFor: (mode) => (args.redis === undefined ? mode === 'external' : args.redis),
  durationSec: Math.max(1, positiveInt('duration', args.duration, 600)),
  warmupSec: positiveInt('warmup', args.warmup, 120),
  connections: Math.max(1, positiveInt('connections', args.connections, 1000)),
  rate: positiveInt('rate', args.rate, 1_000_000),
  coldRepeats: positiveInt('cold-repeats', args['cold-repeats'], 20),
  scenarios: args.scenario,
  quietWaitMs: positiveInt('quiet-wait', args['quiet-wait'], 3600) * 1000,
  quietThreshold: Number(args['quiet-threshold']) || 0.2,
  noisyThreshold: Number(args['noisy-threshold']) || 0.25,
  retries: positiveInt('retries', args.retries, 10),
  meridianEnv: Object.fromEntries(
    args.env.map((kv) => {
      const eq = kv.indexOf('=');
      if (eq < 1) throw new Error(`bench: --env wants KEY=VALUE (got ${kv})`);
      return [kv.slice(0, eq), kv.slice(eq + 1)];
    }),
  ),
};
const infra = infraSettings();
const PAUSE_MS = 1_000; // idle time between measured runs

function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
  };
}

function gitRevision() {
  if (process.env.BENCH_MERIDIAN_REV) return process.env.BENCH_MERIDIAN_REV;
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: MAIN_ROOT,
      encoding: 'utf8',
      timeout: 5_000,
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: MAIN_ROOT,
      encoding: 'utf8',
      timeout: 5_000,
    }).trim();
    return dirty ? `${rev} (src/ modified)` : rev;
  } catch {
    return undefined;
  }
}

const queueLabel = (redis) => (redis ? 'Redis' : 'PostgreSQL');

/** Waits (bounded) for a quiet machine; logs when it is not. Returns what it saw. */
async function quiet(what) {
  const q = await waitForQuiet({
    maxWaitMs: opts.quietWaitMs,
    thresholdCores: opts.quietThreshold,
  });
  if (!q.quiet) {
    log(
      `warning: machine still busy (${q.busyCores.toFixed(2)} cores) before ${what}; measuring anyway`,
    );
  } else if (q.waitedMs > 1_500) {
    log(`waited ${Math.round(q.waitedMs / 1000)} s for a quiet machine before ${what}`);
  }
  return { quiet: q.quiet, waitedMs: q.waitedMs, busyCores: Math.round(q.busyCores * 100) / 100 };
}

/**
 * One measured load run, after waiting for a quiet machine. When other processes took
 * more than --noisy-threshold cores meanwhile, the run is repeated (up to --retries
 * times) and the least disturbed attempt is kept; every attempt's disturbance is recorded.
 */
async function measured(what, loadOptions) {
  let best;
  const attempts = [];
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    const quietBefore = await quiet(what);
    const r = await runLoad(loadOptions);
    attempts.push({ otherCores: r.machineCpu.otherCores, reqPerSec: r.reqPerSec });
    if (!best || r.machineCpu.otherCores < best.machineCpu.otherCores) best = { ...r, quietBefore };
    if (r.machineCpu.otherCores <= opts.noisyThreshold) break;
    log(
      `${what}: other processes took ${r.machineCpu.otherCores} cores during the run` +
        (attempt < opts.retries ? '; measuring again' : '; keeping the least disturbed attempt'),
    );
    await sleep(PAUSE_MS);
  }
  return { ...best, attempts, noisy: best.machineCpu.otherCores > opts.noisyThreshold };
}

/** One Meridian start: spawn → ready, then stop. Returns { firstResponseMs, readyMs, stopMs, ... }. */
async function oneMeridianStart(options) {
  const quietBefore = await quiet(`a ${options.mode} start`);
  const machine = measureSystemCpu();
  const handle = await startMeridian(options, {
    timeoutMs: options.mode === 'embedded' ? 180_000 : 60_000,
  });
  const { firstResponseMs, readyMs } = handle.timings;
  const { busyCores } = machine.stop();
  const stopMs = await stopServer(handle);
  return {
    firstResponseMs,
    readyMs,
    stopMs,
    machineBusyCores: Math.round(busyCores * 100) / 100,
    quietBefore,
  };
}

async function measureColdStarts(extDbUrl) {
  const rows = [];
  // External mode: a fresh (unmigrated) database first, then restarts on the migrated one.
  {
    const redisUrl = opts.redisFor('external') ? infra.redisUrl : undefined;
    const q = queueLabel(redisUrl);
    log('cold start: external mode, fresh database (migrations run)');
    await recreateDatabase(infra.adminUrl, infra.database);
    if (redisUrl) await resetRedisPrefix(redisUrl, infra.queuePrefix);
    const base = {
      mode: 'external',
      databaseUrl: extDbUrl,
      redisUrl,
      queuePrefix: infra.queuePrefix,
      extraEnv: opts.meridianEnv,
    };
    rows.push({
      key: 'external-first',
      label: `Meridian external, fresh database (applies migrations), queue on ${q}`,
      samples: [await oneMeridianStart(base)],
    });
    const warm = [];
    for (let i = 0; i < opts.coldRepeats; i++) {
      log(`cold start: external mode, migrated database (${i + 1}/${opts.coldRepeats})`);
      warm.push(await oneMeridianStart(base));
    }
    if (warm.length)
      rows.push({
        key: 'external-restart',
        label: `Meridian external, migrated database, queue on ${q}`,
        samples: warm,
      });
  }
  // Embedded mode: a fresh DATA_DIR (initdb), then restarts on the same DATA_DIR.
  {
    const redisUrl = opts.redisFor('embedded') ? infra.redisUrl : undefined;
    const q = queueLabel(redisUrl);
    const dataDir = makeDataDir();
    try {
      if (redisUrl) await resetRedisPrefix(redisUrl, infra.queuePrefix);
      const base = {
        mode: 'embedded',
        dataDir,
        redisUrl,
        queuePrefix: infra.queuePrefix,
        extraEnv: opts.meridianEnv,
      };
      log(`cold start: embedded mode, first start (initdb) in ${dataDir}`);
      rows.push({
        key: 'embedded-first',
        label: `Meridian embedded, first start (fresh DATA_DIR: initdb + migrations), queue on ${q}`,
        samples: [await oneMeridianStart(base)],
      });
      const second = [];
      for (let i = 0; i < Math.max(1, opts.coldRepeats); i++) {
        log(`cold start: embedded mode, second start (${i + 1}/${Math.max(1, opts.coldRepeats)})`);
        second.push(await oneMeridianStart(base));
      }
      rows.push({
        key: 'embedded-second',
        label: `Meridian embedded, second and later starts (existing DATA_DIR), queue on ${q}`,
        samples: second,
      });
    } finally {
      removeDataDir(dataDir);
    }
  }
  // Reference: a bare node:http + pg server answering its first 200 on /health/ready.
  {
    const samples = [];
    for (let i = 0; i < Math.max(1, opts.coldRepeats); i++) {
      log(`cold start: bare node:http + pg reference (${i + 1})`);
      const bare = await startBare('ready', {
        env: { DATABASE_URL: extDbUrl, PG_POOL_SIZE: String(POOL_SIZE) },
        readyPath: '/health/ready',
      });
      const stopMs = await stopServer(bare);
      samples.push({
        firstResponseMs: bare.timings.firstResponseMs,
        readyMs: bare.timings.readyMs,
        stopMs,
      });
    }
    rows.push({
      key: 'bare-ready',
      label: 'reference: bare node:http + pg (SELECT 1), external database',
      samples,
    });
  }
  return { rows };
}

async function measureLoad(extDbUrl) {
  const mode = opts.loadMode;
  const redisUrl = opts.redisFor(mode) ? infra.redisUrl : undefined;
  const scenarios = await loadScenarios(opts.scenarios);
  let dataDir;
  let meridian;
  const targetsOut = [];
  const scenarioInfo = {};
  // Settings the selected scenarios need (e.g. an admin to log in as); --env still wins.
  const scenarioEnv = Object.assign({}, ...scenarios.map((s) => s.meridianEnv ?? {}));
  const meridianEnv = { ...scenarioEnv, ...opts.meridianEnv };
  try {
    if (redisUrl) await resetRedisPrefix(redisUrl, infra.queuePrefix);
    if (mode === 'embedded') {
      dataDir = makeDataDir();
      log(`load: starting Meridian (embedded, DATA_DIR ${dataDir})`);
      meridian = await startMeridian(
        { mode, dataDir, redisUrl, queuePrefix: infra.queuePrefix, extraEnv: meridianEnv },
        { timeoutMs: 180_000 },
      );
    } else {
      await ensureDatabase(infra.adminUrl, infra.database);
      log('load: starting Meridian (external)');
      meridian = await startMeridian({
        mode,
        databaseUrl: extDbUrl,
        redisUrl,
        queuePrefix: infra.queuePrefix,
        extraEnv: meridianEnv,
      });
    }
    const dbUrl =
      mode === 'embedded' ? embeddedDatabaseUrl(dataDir, meridian.embeddedDbPort) : extDbUrl;
    const bareEnv = {
      DATABASE_URL: dbUrl,
      PG_POOL_SIZE: String(POOL_SIZE),
      QUEUE_PREFIX: infra.queuePrefix,
      // The bare servers that verify Meridian's tokens fetch its JWKS from here, once.
      MERIDIAN_URL: meridian.baseUrl,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    };

    for (const scenario of scenarios) {
      const ctx = {
        meridian: { baseUrl: meridian.baseUrl, pid: meridian.pid, mode },
        databaseUrl: dbUrl,
        redisUrl,
        queuePrefix: infra.queuePrefix,
        poolSize: POOL_SIZE,
        state: {},
      };
      let teardown;
      if (scenario.setup) {
        log(`load: ${scenario.name}: setup`);
        const { teardown: td, ...state } = (await scenario.setup(ctx)) ?? {};
        teardown = td;
        ctx.state = state;
        // state.info (e.g. how long seeding took) goes into the results JSON.
        if (state.info) scenarioInfo[scenario.name] = state.info;
      }
      try {
        for (const target of resolveTargets(scenario, ctx)) {
          const common = {
            method: target.method,
            headers: target.headers,
            body: target.body,
            connections: target.connections ?? opts.connections,
            durationSec: target.durationSec ?? opts.durationSec,
            warmupSec: opts.warmupSec,
            rate: opts.rate || undefined,
          };
          const results = [];
          log(`load: ${scenario.name}: ${target.name} on Meridian`);
          const m = await measured(`${target.name} on Meridian`, {
            ...common,
            url: `${meridian.baseUrl}${target.path}`,
            pid: meridian.pid,
          });
          results.push({ server: 'Meridian', bare: null, ...m });
          await sleep(PAUSE_MS);
          for (const bareName of target.bare) {
            log(`load: ${scenario.name}: ${target.name} on bare ${bareName}`);
            const bare = await startBare(bareName, {
              env: { ...bareEnv, ...target.bareEnv },
              readyPath: '/bench/up',
            });
            try {
              const b = await measured(`${target.name} on bare ${bareName}`, {
                ...common,
                url: `${bare.baseUrl}${target.path}`,
                pid: bare.pid,
              });
              results.push({
                server: `bare ${bareName}`,
                bare: bareName,
                ...b,
                meridianOverBare: {
                  reqPerSec: m.reqPerSec / b.reqPerSec,
                  p50: m.latencyMs.p50 / b.latencyMs.p50,
                  p99: m.latencyMs.p99 / b.latencyMs.p99,
                  cpuPerRequest: m.serverCpu?.usPerRequest / b.serverCpu?.usPerRequest,
                },
              });
            } finally {
              await stopServer(bare);
            }
            await sleep(PAUSE_MS);
          }
          targetsOut.push({
            scenario: scenario.name,
            target: target.name,
            path: target.path,
            method: target.method,
            results,
          });
        }
      } finally {
        if (teardown) await teardown();
      }
    }
  } finally {
    await stopServer(meridian);
    if (dataDir) removeDataDir(dataDir);
  }
  return { mode, queue: queueLabel(redisUrl), targets: targetsOut, scenarioInfo };
}

async function main() {
  // Upper bound for the whole run (the watchdog stops everything past it): --max-minutes,
  // or a generous budget for 40 load runs with their retries and quiet waits.
  const perRunMs =
    (opts.retries + 1) * (opts.quietWaitMs + (opts.durationSec + opts.warmupSec + 10) * 1000);
  const budgetMs = 15 * 60_000 + 40 * perRunMs + opts.coldRepeats * 6 * 60_000;
  installCleanup({ maxMs: args['max-minutes'] ? Number(args['max-minutes']) * 60_000 : budgetMs });
  assertBuilt();
  const startedAt = new Date();
  const extDbUrl = databaseUrl(infra.adminUrl, infra.database);
  const needsExternalPg = args.cold || opts.loadMode === 'external';
  const pgVersion = await postgresVersion(infra.adminUrl).catch((err) => {
    if (needsExternalPg)
      throw new Error(`bench: PostgreSQL at ${infra.adminUrl} is not reachable: ${err.message}`);
    return undefined;
  });
  const redisVersion = await resetRedisPrefix(infra.redisUrl, infra.queuePrefix).catch((err) => {
    if (opts.redisFor('external') || opts.redisFor('embedded'))
      throw new Error(`bench: Redis at ${infra.redisUrl} is not reachable: ${err.message}`);
    return undefined;
  });
  const results = {
    meta: {
      startedAt: startedAt.toISOString(),
      label: args.label,
      machine: machine(),
      node: process.version,
      postgres: pgVersion,
      redis: redisVersion,
      git: gitRevision(),
      main: MAIN,
      options: { ...opts, redisFor: undefined, redis: args.redis ?? 'default' },
      load: undefined,
    },
  };
  // How busy the machine is before we start: other work skews every figure.
  results.meta.quietBeforeRun = await quiet('the run');
  if (args.cold) results.cold = await measureColdStarts(extDbUrl);
  if (args.load) {
    results.load = await measureLoad(extDbUrl);
    results.meta.load = {
      mode: results.load.mode,
      queue: results.load.queue,
      connections: opts.connections,
      durationSec: opts.durationSec,
      warmupSec: opts.warmupSec,
      rate: opts.rate || null,
      poolSize: POOL_SIZE,
    };
  }
  results.meta.finishedAt = new Date().toISOString();
  const out =
    args.out ??
    path.join(
      BENCH_DIR,
      'results',
      `${startedAt.toISOString().replace(/[:.]/g, '-')}-${opts.loadMode}.json`,
    );
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(renderMarkdown(results));
  log(`results written to ${path.relative(process.cwd(), out)}`);
}

try {
  await main();
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
} finally {
  await Promise.race([stopAll(), sleepUnref(60_000)]);
}
