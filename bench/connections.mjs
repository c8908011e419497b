// Service connections benchmarks (figures in bench/README.md):
//  1. signed webhook intake: deliveries/s and p99 at 50 connections, Meridian (APP_ROLE=api)
//     beside bare/webhook-intake.mjs (same HMAC, same row), alternating, repeated;
//  2. the health sweep over BENCH_SWEEP_CONNECTIONS App installations against a loopback
//     GitHub peer: wall time, peak concurrency, API calls per connection, memory.
// Needs a build (npm run build), PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.
import 'reflect-metadata';
import { randomBytes, randomUUID, createHmac } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import autocannon from 'autocannon';
import pg from 'pg';
import { pino } from 'pino';
import { startGitHubPeer } from './peers/github-rest.mjs';

const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = 50;
const SWEEP_N = Number(process.env.BENCH_SWEEP_CONNECTIONS ?? 10_000);
const DB = 'meridian_bench_connections';
const SECRET = 'bench-webhook-secret';
const KEYS = `bench1:${randomBytes(32).toString('base64')}`;
const dbUrl = `${PG}/${DB}`;
const children = new Set();
const cleanup = () => {
  for (const c of children) c.kill('SIGKILL');
};
process.on('exit', cleanup);
const watchdog = setTimeout(() => {
  console.error('watchdog: the benchmark overstayed');
  cleanup();
  process.exit(2);
}, 20 * 60_000);
watchdog.unref();

async function freePort() {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  return port;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function resetDatabase() {
  const admin = new pg.Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
}

async function startChild(args, env, port) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return child;
    await sleep(100);
  }
  throw new Error(`${args.join(' ')} did not start`);
}

async function stopChild(child) {
  child.kill('SIGTERM');
  await Promise.race([once(child, 'exit'), sleep(10_000)]);
  child.kill('SIGKILL');
}

const pushBody = JSON.stringify({
  ref: 'refs/heads/main',
  before: 'a'.repeat(40),
  after: 'b'.repeat(40),
  installation: { id: 1 },
  repository: { id: 1, full_name: 'acme/app', private: true },
  pusher: { name: 'octocat' },
  commits: Array.from({ length: 3 }, (_, i) => ({
    id: String(i).repeat(40),
    message: `commit ${i}`,
    author: { name: 'Octo Cat' },
  })),
});
const signature = `sha256=${createHmac('sha256', SECRET).update(pushBody).digest('hex')}`;

async function load(url) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    body: pushBody,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-hub-signature-256': signature,
    },
    setupClient: (client) => {
      client.setHeaders({
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': signature,
        'x-github-delivery': randomUUID(),
      });
      client.on('response', () =>
        client.setHeaders({
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': signature,
          'x-github-delivery': randomUUID(),
        }),
      );
    },
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function webhookIntake() {
  await resetDatabase();
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: dbUrl,
    REDIS_URL: REDIS,
    QUEUE_PREFIX: 'meridian-bench-conn',
    ENCRYPTION_KEYS: KEYS,
    GITHUB_WEBHOOK_SECRET: SECRET,
    RATE_LIMIT_MAX: '0',
    APP_ROLE: 'api',
    SHUTDOWN_GRACE_MS: '0',
  };
  const rows = [];
  for (let run = 1; run <= RUNS; run++) {
    const mPort = await freePort();
    const meridian = await startChild(['dist/src/main.js'], env, mPort);
    await load(`http://127.0.0.1:${mPort}/api/v1/webhooks/github`); // warm-up (discarded)
    const m = await load(`http://127.0.0.1:${mPort}/api/v1/webhooks/github`);
    await stopChild(meridian);
    const bPort = await freePort();
    const bare = spawn(process.execPath, ['bench/bare/webhook-intake.mjs'], {
      env: {
        ...process.env,
        DATABASE_URL: dbUrl,
        GITHUB_WEBHOOK_SECRET: SECRET,
        PORT: String(bPort),
      },
      stdio: 'inherit',
    });
    children.add(bare);
    await sleep(500);
    await load(`http://127.0.0.1:${bPort}/`);
    const b = await load(`http://127.0.0.1:${bPort}/`);
    await stopChild(bare);
    rows.push({ run, meridian: m, bare: b, ratio: m.rps / b.rps });
    console.error(
      `intake run ${run}: meridian ${m.rps.toFixed(0)}/s p99 ${m.p99} ms, bare ${b.rps.toFixed(0)}/s p99 ${b.p99} ms`,
    );
  }
  return rows;
}

async function healthSweep() {
  await resetDatabase();
  const peer = await startGitHubPeer();
  const { loadConfig } = await import('../dist/src/config/app-config.js');
  const { createApp } = await import('../dist/src/bootstrap.js');
  const { ConnectionHealthService } =
    await import('../dist/src/connections/connection-health.service.js');
  const { DataSource } = await import('typeorm');
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: dbUrl,
    REDIS_URL: REDIS,
    QUEUE_PREFIX: 'meridian-bench-sweep',
    ENCRYPTION_KEYS: KEYS,
    APP_ROLE: 'api',
    GITHUB_API_URL: peer.url,
    GITHUB_APP_ID: peer.appId,
    GITHUB_APP_PRIVATE_KEY: peer.privateKeyPem,
    CONNECTION_HEALTH_CONCURRENCY: process.env.BENCH_SWEEP_CONCURRENCY ?? '20',
    CONNECTION_HEALTH_JITTER_MS: '100',
  });
  const { app } = await createApp(config, pino({ level: 'warn' }), {
    mode: 'external',
    url: dbUrl,
    stop: async () => undefined,
  });
  const db = app.get(DataSource);
  const [{ id: orgId }] = await db.query(
    `INSERT INTO organizations (name) VALUES ('Bench') RETURNING id`,
  );
  await db.query(
    `INSERT INTO service_connections (id, organization_id, service, name, status, external_id)
     SELECT gen_random_uuid(), $1, 'github', 'c' || i, 'active', i::text FROM generate_series(1, $2) AS i`,
    [orgId, SWEEP_N],
  );
  await db.query(
    `INSERT INTO service_credentials (connection_id, kind) SELECT id, 'github_app_installation' FROM service_connections`,
  );
  const health = app.get(ConnectionHealthService);
  const sweeps = [];
  for (let i = 0; i < RUNS + 1; i++) {
    peer.reset();
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const stats = await health.sweep();
    sweeps.push({
      sweep: i + 1,
      cached: i > 0,
      wallMs: stats.durationMs,
      checked: stats.checked,
      peakConcurrency: stats.peakConcurrency,
      peerPeakInFlight: peer.state.peakInFlight,
      callsPerConnection: peer.state.calls / SWEEP_N,
      mintsPerConnection: peer.state.mints / SWEEP_N,
      rssMiB: Math.round(process.memoryUsage().rss / 1048576),
      rssGrowthMiB: Math.round((process.memoryUsage().rss - rss0) / 1048576),
    });
    console.error(`sweep ${i + 1}: ${JSON.stringify(sweeps.at(-1))}`);
  }
  const [{ n }] = await db.query(
    `SELECT count(*)::int AS n FROM service_connections WHERE status = 'active'`,
  );
  await app.close();
  await peer.close();
  return { sweeps, stillActive: n };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const which = process.argv.slice(2);
const out = {};
if (which.length === 0 || which.includes('intake')) out.intake = await webhookIntake();
if (which.length === 0 || which.includes('sweep')) out.sweep = await healthSweep();
if (out.intake) {
  const r = out.intake.map((x) => x.ratio);
  console.log(
    `webhook intake: ratio median ${median(r).toFixed(2)} (min ${Math.min(...r).toFixed(2)}, max ${Math.max(...r).toFixed(2)})`,
  );
  for (const x of out.intake)
    console.log(
      `  run ${x.run}: meridian ${x.meridian.rps.toFixed(0)}/s p99 ${x.meridian.p99} ms (non-2xx ${x.meridian.non2xx}), bare ${x.bare.rps.toFixed(0)}/s p99 ${x.bare.p99} ms`,
    );
}
if (out.sweep) console.log(`health sweep: ${JSON.stringify(out.sweep, null, 2)}`);
cleanup();
process.exit(0);
