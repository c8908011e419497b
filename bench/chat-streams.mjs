#!/usr/bin/env node
// Concurrent chat streams: Meridian against a bare SSE relay (bench/bare/chat-relay.mjs)
// in the same run, both relaying the same test provider (bench/peers/llm-stream.mjs: the
// OpenAI streaming wire format, 50 deltas 20 ms apart, each carrying its send time).
// For each stream count and each run: a fresh Meridian (external mode) with one fresh
// conversation per stream, then a fresh bare relay; each is warmed up with 20 streams, then
// one client opens every measured stream at once.
//
//   npm run build && node bench/chat-streams.mjs                 # 500 and 1,000 streams, 3 runs
//   node bench/chat-streams.mjs --streams 1000 --runs 1 --targets meridian
//   node bench/chat-streams.mjs --report bench/results/chat/A.json [B.json ...]   # tables only
//
// Writes bench/results/chat/<timestamp>.json and prints markdown tables (medians with
// ranges). Uses the bench database (meridian_bench) and Redis prefix like bench/run.mjs;
// 127.0.0.1 only; every child process is stopped at the end, on error and by a watchdog.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startBare } from './lib/bare.mjs';
import { openStreams } from './lib/chat-client.mjs';
import { chatMarkdown, streamFigures } from './lib/chat-report.mjs';
import { measureCpuBreakdown, cpuSeconds, waitForQuiet } from './lib/cpu.mjs';
import { ensureDatabase, databaseUrl, infraSettings, resetRedisPrefix } from './lib/infra.mjs';
import { AUTH_MERIDIAN_ENV, loginAdmin, meridianCall } from './lib/login.mjs';
import { assertBuilt, MAIN, MAIN_ROOT, startMeridian } from './lib/meridian.mjs';
import { LOOPBACK, freePort, sleep } from './lib/net.mjs';
import { installCleanup, spawnServer, stopAll, stopServer, waitForUrl } from './lib/proc.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = path.join(HERE, 'results', 'chat');
const AGENT = { slug: 'bench-stream', name: 'Bench stream', systemPrompt: 'Stream.' };
const MODEL = 'bench-model';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    streams: { type: 'string', default: '500,1000' },
    runs: { type: 'string', default: '3' },
    deltas: { type: 'string', default: '50' },
    interval: { type: 'string', default: '20' },
    targets: { type: 'string', default: 'meridian,bare' },
    connect: { type: 'string', default: 'warm' },
    'quiet-wait': { type: 'string', default: '30' },
    'quiet-threshold': { type: 'string', default: '0.3' },
    env: { type: 'string', multiple: true, default: [] },
    label: { type: 'string' },
    out: { type: 'string' },
    report: { type: 'boolean', default: false },
    'max-minutes': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (opts.help) {
  console.log(`node bench/chat-streams.mjs [options]
  --streams LIST         stream counts, comma-separated (default 500,1000)
  --runs N               runs of every stream count (default 3)
  --deltas N, --interval MS   what the provider sends per stream (default 50, 20)
  --targets LIST         meridian,bare (default both)
  --connect warm|fresh   warm (default): every stream starts on a keep-alive connection opened
                         just before; fresh: each stream opens its own connection in the burst
  --quiet-wait S         wait up to S s for a quiet machine before each measurement (default 30)
  --quiet-threshold C    quiet = fewer than C cores busy machine-wide (default 0.3)
  --env KEY=VALUE        extra environment for Meridian (repeatable, applied last)
  --label TEXT, --out FILE
  --report FILE...       print the tables of result files (runs pooled), measure nothing`);
  process.exit(0);
}

if (opts.report) {
  const runs = positionals.flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).runs);
  console.log(chatMarkdown(runs));
  process.exit(0);
}

const SIZES = opts.streams.split(',').map(Number);
const RUNS = Number(opts.runs);
const DELTAS = Number(opts.deltas);
const INTERVAL = Number(opts.interval);
const TARGETS = opts.targets.split(',');
const CONNECT = opts.connect;
if (!['warm', 'fresh'].includes(CONNECT)) throw new Error('bench: --connect is warm or fresh');
const extraEnv = Object.fromEntries(
  opts.env.map((kv) => {
    const i = kv.indexOf('=');
    if (i < 1) throw new Error(`bench: --env wants KEY=VALUE (got ${kv})`);
    return [kv.slice(0, i), kv.slice(i + 1)];
  }),
);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1 || n > 5000))
  throw new Error('bench: --streams takes counts from 1 to 5000');
const maxMinutes =
  Number(opts['max-minutes']) || 10 + RUNS * SIZES.reduce((a, n) => a + 2 + n / 150, 0);
installCleanup({ maxMs: maxMinutes * 60_000 });

const log = (msg) => console.error(`[chat-bench] ${msg}`);

const rssBytes = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) * 1024;
};

async function startProvider() {
  const port = await freePort();
  const handle = spawnServer({
    name: 'llm provider',
    args: [path.join(HERE, 'peers', 'llm-stream.mjs')],
    env: {
      PORT: String(port),
      HOST: LOOPBACK,
      DELTAS: String(DELTAS),
      INTERVAL_MS: String(INTERVAL),
    },
  });
  await waitForUrl(handle, `http://${LOOPBACK}:${port}/bench/up`);
  handle.baseUrl = `http://${LOOPBACK}:${port}/v1`;
  return handle;
}

/** Runs `fn` over `items`, `width` at a time. */
async function pool(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

const WARMUP_STREAMS = 20;

/**
 * Warms the server up with WARMUP_STREAMS streams on `warmPaths` (code loaded and
 * compiled, connections made, as in a server that has been serving), then opens the
 * measured streams with memory and CPU sampled; returns the figures.
 */
/** CPU seconds of every PostgreSQL backend serving `dbUrl`'s database for Meridian, by pid. */
async function backendCpu(dbUrl) {
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'meridian-%'`,
    );
    const out = new Map();
    for (const { pid } of rows) {
      try {
        out.set(pid, cpuSeconds(pid));
      } catch {
        /* gone meanwhile */
      }
    }
    return out;
  } finally {
    await db.end();
  }
}

async function measure(server, warmPaths, paths, token, warmPath, dbUrl) {
  const warm = await openStreams({
    baseUrl: server.baseUrl,
    paths: warmPaths,
    token,
    deltas: DELTAS,
  }).done;
  const warmFailed = warm.results.filter((r) => !r.ok).length;
  if (warmFailed) throw new Error(`bench: ${warmFailed} warm-up streams failed on ${server.name}`);
  await sleep(1000);
  const quiet = await waitForQuiet({
    maxWaitMs: Number(opts['quiet-wait']) * 1000,
    thresholdCores: Number(opts['quiet-threshold']),
  });
  const idle = rssBytes(server.pid);
  const memory = { idle, peak: idle, peakOpen: 0 };
  let cpu0, breakdown, started, sampler;
  const backends0 = dbUrl ? await backendCpu(dbUrl) : undefined;
  const run = openStreams({
    baseUrl: server.baseUrl,
    paths,
    token,
    deltas: DELTAS,
    warmPath: CONNECT === 'warm' ? warmPath : undefined,
    beforeStart: () => {
      cpu0 = cpuSeconds(server.pid);
      breakdown = measureCpuBreakdown(server.pid);
      started = performance.now();
      sampler = setInterval(() => {
        memory.peak = Math.max(memory.peak, rssBytes(server.pid));
        memory.peakOpen = Math.max(memory.peakOpen, run.open.count);
      }, 20);
    },
  });
  const { results, lags } = await run.done;
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  const cpu = breakdown.stop();
  const serverCpuSeconds = cpuSeconds(server.pid) - cpu0;
  memory.peakOpen = Math.max(memory.peakOpen, run.open.peak);
  let databaseCpuSeconds;
  if (backends0) {
    // Backends that started during the run count from zero (their start-up included).
    const backends1 = await backendCpu(dbUrl);
    databaseCpuSeconds = 0;
    for (const [pid, s] of backends1) databaseCpuSeconds += s - (backends0.get(pid) ?? 0);
  }
  const figures = streamFigures({
    results,
    lags,
    wallMs,
    memory,
    cpu,
    serverCpuSeconds,
    databaseCpuSeconds,
  });
  figures.quietBefore = quiet;
  figures.connections = CONNECT;
  figures.reusedSockets = results.filter((r) => r.reusedSocket).length;
  return figures;
}

async function measureMeridian(n, infra, provider) {
  const dbUrl = databaseUrl(infra.adminUrl, infra.database);
  await resetRedisPrefix(infra.redisUrl, infra.queuePrefix);
  const meridian = await startMeridian({
    mode: 'external',
    databaseUrl: dbUrl,
    redisUrl: infra.redisUrl,
    queuePrefix: infra.queuePrefix,
    extraEnv: {
      ...AUTH_MERIDIAN_ENV,
      LLM_BASE_URL: provider.baseUrl,
      LLM_MODEL: MODEL,
      CHAT_MAX_STREAMS_PER_USER: String(Math.min(10_000, n * 2)),
      // A limit is configured (as in production), far above what the run sends.
      CHAT_DAILY_LIMITS: '{"default":100000000}',
      CHAT_HEARTBEAT_MS: '15000',
      ...extraEnv,
    },
  });
  try {
    const { token } = await loginAdmin(meridian.baseUrl, dbUrl);
    const agents = await meridianCall(meridian.baseUrl, 'GET', '/api/v1/admin/agents?limit=100', {
      token,
    });
    const agent =
      agents.items.find((a) => a.slug === AGENT.slug) ??
      (await meridianCall(meridian.baseUrl, 'POST', '/api/v1/admin/agents', {
        token,
        body: { ...AGENT, provider: 'openai', model: MODEL },
      }));
    // Fresh conversations every measurement: the previous runs' go first.
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await db.query('DELETE FROM conversations WHERE agent_id = $1', [agent.id]);
      await db.query('VACUUM ANALYZE conversations, messages');
    } finally {
      await db.end();
    }
    const ids = await pool(Array.from({ length: n + WARMUP_STREAMS }), 8, async (_, i) => {
      const c = await meridianCall(meridian.baseUrl, 'POST', '/api/v1/conversations', {
        token,
        body: { agentId: agent.id, title: `bench ${i}` },
      });
      return c.id;
    });
    const paths = ids.map((id) => `/api/v1/conversations/${id}/chat`);
    const figures = await measure(
      meridian,
      paths.slice(0, WARMUP_STREAMS),
      paths.slice(WARMUP_STREAMS),
      token,
      '/health/live',
      dbUrl,
    );
    figures.serverLogTail = meridian.tail().slice(-4000);
    return figures;
  } finally {
    await stopServer(meridian);
  }
}

async function measureBare(n, provider) {
  const bare = await startBare('chat-relay', {
    env: { LLM_BASE_URL: provider.baseUrl, LLM_MODEL: MODEL, SYSTEM_PROMPT: AGENT.systemPrompt },
    readyPath: '/bench/up',
  });
  try {
    const paths = Array.from(
      { length: n + WARMUP_STREAMS },
      () => `/api/v1/conversations/${randomUUID()}/chat`,
    );
    return await measure(
      bare,
      paths.slice(0, WARMUP_STREAMS),
      paths.slice(WARMUP_STREAMS),
      'unused',
      '/bench/up',
    );
  } finally {
    await stopServer(bare);
  }
}

function revision() {
  if (process.env.BENCH_MERIDIAN_REV) return process.env.BENCH_MERIDIAN_REV;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: MAIN_ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

async function main() {
  if (TARGETS.includes('meridian')) assertBuilt();
  const infra = infraSettings();
  await ensureDatabase(infra.adminUrl, infra.database);
  const provider = await startProvider();
  const report = {
    kind: 'chat-streams',
    startedAt: new Date().toISOString(),
    label: opts.label,
    meridian: { main: MAIN, revision: revision() },
    node: process.version,
    deltasPerStream: DELTAS,
    intervalMs: INTERVAL,
    connections: CONNECT,
    runs: [],
  };
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const out = opts.out ?? path.join(RESULTS_DIR, `${stamp}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  try {
    for (let r = 0; r < RUNS; r++) {
      const run = { run: r + 1, measurements: [] };
      report.runs.push(run);
      for (const n of SIZES) {
        for (const target of TARGETS) {
          log(`run ${r + 1}/${RUNS}: ${n} streams, ${target}`);
          const figures =
            target === 'meridian'
              ? await measureMeridian(n, infra, provider)
              : await measureBare(n, provider);
          const { serverLogTail, ...shown } = figures;
          log(JSON.stringify({ target, streams: n, ...shown, cores: undefined }));
          if (figures.completed < n && serverLogTail) log(`server log tail:\n${serverLogTail}`);
          run.measurements.push({ target, streams: n, figures });
          writeFileSync(out, JSON.stringify(report, null, 2));
        }
      }
    }
  } finally {
    await stopServer(provider);
    await stopAll();
  }
  console.log(
    `Meridian ${report.meridian.revision}, Node ${report.node}, ${DELTAS} deltas ${INTERVAL} ms apart per stream; results in ${path.relative(process.cwd(), out)}\n`,
  );
  console.log(chatMarkdown(report.runs));
}

main().catch(async (err) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
