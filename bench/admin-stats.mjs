#!/usr/bin/env node
// Admin statistics and user search on a large dataset. Seeds 100k users, 100k
// conversations and 1M messages (SQL, spread over 60 days), lets the rollup job catch up,
// then measures, in the same run:
//   - GET /api/v1/admin/stats/overview and a 30-day daily series of messages, uncached
//     (STATS_CACHE_TTL_MS=0) and cached, one request at a time (p50/p99);
//   - the same figures computed by plain GROUP BY queries over the raw tables (the
//     reference), over the same pg driver;
//   - user search (GET /api/v1/admin/users?q=..., a broad and a narrow one) at 50 connections, beside
//     GET /api/v1/auth/me (the cheapest authenticated route) at 50 connections.
// Three runs (--runs), median and range.
//
//   npm run build && node bench/admin-stats.mjs [--runs 3] [--samples 200] [--seconds 8]
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { databaseUrl, infraSettings, recreateDatabase } from './lib/infra.mjs';
import { runLoad } from './lib/load.mjs';
import { AUTH_MERIDIAN_ENV, loginAdmin } from './lib/login.mjs';
import { assertBuilt, startMeridian } from './lib/meridian.mjs';
import { stopServer } from './lib/proc.mjs';
import { median, percentileSorted } from './lib/stats.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = arg('runs', 3);
const SAMPLES = arg('samples', 200);
const REFERENCE_SAMPLES = arg('reference-samples', 20);
const SECONDS = arg('seconds', 8);
const NAME = 'meridian_bench_admin';

async function seed(client) {
  const t0 = performance.now();
  const [{ id: agent }] = (await client.query(`SELECT id FROM agents ORDER BY slug LIMIT 1`)).rows;
  await client.query(`
    WITH g AS (SELECT gen_random_uuid() AS id, i FROM generate_series(1, 100000) i)
    INSERT INTO users (id, issuer, subject, email, display_name, email_verified_at, created_at, last_seen_at)
    SELECT id, 'meridian:local', id::text, format('user-%s@bench.example', lpad(i::text, 6, '0')),
           'Bench User ' || i, now(), now() - random() * interval '90 days',
           CASE WHEN i % 3 = 0 THEN NULL ELSE now() - random() * interval '60 days' END
      FROM g`);
  await client.query(
    `INSERT INTO conversations (user_id, agent_id, created_at)
     SELECT id, $1, now() - random() * interval '60 days' FROM users WHERE email LIKE '%@bench.example'`,
    [agent],
  );
  await client.query(`
    INSERT INTO messages (conversation_id, role, content, created_at, prompt_tokens, completion_tokens)
    SELECT c.id, 'assistant', 'x', now() - random() * interval '60 days', 10, 20
      FROM conversations c, generate_series(1, 10)`);
  await client.query('ANALYZE');
  return (performance.now() - t0) / 1000;
}

/** Waits until the rollup has every message (the app's job runs every 15 s). */
async function waitForRollup(client) {
  const t0 = performance.now();
  const want = Number((await client.query('SELECT count(*) AS n FROM messages')).rows[0].n);
  for (;;) {
    const got = Number(
      (
        await client.query(
          `SELECT COALESCE(sum(value), 0) AS n FROM stats_buckets WHERE metric = 'messages.created'`,
        )
      ).rows[0].n,
    );
    if (got === want) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > 300_000) throw new Error(`rollup stuck at ${got}/${want}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function timeSequential(n, fn) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentileSorted(ms, 50), p99: percentileSorted(ms, 99) };
}

const get = (baseUrl, token, path) => async () => {
  const res = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(30_000),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
};

const seriesPath = () => {
  const to = new Date();
  to.setUTCHours(to.getUTCHours() + 1, 0, 0, 0);
  const from = new Date(to.getTime() - 30 * 86_400_000);
  return `/api/v1/admin/stats/series?metric=messages.created&granularity=day&from=${from.toISOString()}&to=${to.toISOString()}`;
};

/** The same figures straight from the raw tables. */
const REFERENCE = {
  overview: `SELECT (SELECT count(*) FROM users) AS users,
      (SELECT count(*) FROM users WHERE last_seen_at >= now() - interval '1 day') AS a1,
      (SELECT count(*) FROM users WHERE last_seen_at >= now() - interval '7 days') AS a7,
      (SELECT count(*) FROM users WHERE last_seen_at >= now() - interval '30 days') AS a30,
      (SELECT count(*) FROM conversations) AS conversations,
      (SELECT count(*) FROM conversations WHERE created_at >= now() - interval '30 days') AS c30,
      (SELECT count(*) FROM messages) AS messages,
      (SELECT sum(prompt_tokens) FROM messages WHERE created_at >= now() - interval '30 days') AS p30,
      (SELECT sum(completion_tokens) FROM messages WHERE created_at >= now() - interval '30 days') AS k30,
      (SELECT count(*) FROM auth_sessions) AS sessions,
      (SELECT json_agg(x) FROM (SELECT date_trunc('day', created_at) d, count(*) FROM users
         WHERE created_at >= now() - interval '30 days' GROUP BY 1) x) AS new_per_day`,
  series: `SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day, count(*)
             FROM messages WHERE created_at >= now() - interval '30 days' GROUP BY 1 ORDER BY 1`,
};

async function main() {
  assertBuilt();
  const infra = infraSettings();
  await recreateDatabase(infra.adminUrl, NAME);
  const url = databaseUrl(infra.adminUrl, NAME);
  const start = (ttl) =>
    startMeridian({
      mode: 'external',
      databaseUrl: url,
      redisUrl: infra.redisUrl,
      queuePrefix: 'meridian-bench-admin',
      extraEnv: { ...AUTH_MERIDIAN_ENV, STATS_CACHE_TTL_MS: String(ttl) },
    });
  const client = new pg.Client({ connectionString: url });
  let server = await start(0);
  await client.connect();
  const results = { uncached: {}, cached: {}, reference: {}, search: [], searchOne: [], me: [] };
  try {
    const seedSeconds = await seed(client);
    const rollupSeconds = await waitForRollup(client);
    console.error(
      `seeded in ${seedSeconds.toFixed(1)} s; rollup caught up ${rollupSeconds.toFixed(1)} s later`,
    );
    for (let run = 1; run <= RUNS; run++) {
      let { token } = await loginAdmin(server.baseUrl, url);
      for (const [figure, path] of [
        ['overview', () => '/api/v1/admin/stats/overview'],
        ['series', seriesPath],
      ]) {
        (results.uncached[figure] ??= []).push(
          await timeSequential(SAMPLES, () => get(server.baseUrl, token, path())()),
        );
        (results.reference[figure] ??= []).push(
          await timeSequential(REFERENCE_SAMPLES, () => client.query(REFERENCE[figure])),
        );
      }
      const headers = { authorization: `Bearer ${token}` };
      results.search.push(
        await runLoad({
          url: `${server.baseUrl}/api/v1/admin/users?q=user-04&limit=20`,
          headers,
          connections: 50,
          durationSec: SECONDS,
          warmupSec: 2,
          pid: server.pid,
        }),
      );
      results.searchOne.push(
        await runLoad({
          url: `${server.baseUrl}/api/v1/admin/users?q=user-042317&limit=20`,
          headers,
          connections: 50,
          durationSec: SECONDS,
          warmupSec: 2,
          pid: server.pid,
        }),
      );
      results.me.push(
        await runLoad({
          url: `${server.baseUrl}/api/v1/auth/me`,
          headers,
          connections: 50,
          durationSec: SECONDS,
          warmupSec: 2,
          pid: server.pid,
        }),
      );
      // the cached figures: a server whose answers live a minute
      await stopServer(server);
      server = await start(60_000);
      ({ token } = await loginAdmin(server.baseUrl, url));
      for (const [figure, path] of [
        ['overview', () => '/api/v1/admin/stats/overview'],
        ['series', seriesPath],
      ]) {
        const fn = get(server.baseUrl, token, path());
        await fn(); // fills the cache
        (results.cached[figure] ??= []).push(await timeSequential(SAMPLES, fn));
      }
      await stopServer(server);
      if (run < RUNS) server = await start(0);
      else server = undefined;
      console.error(`run ${run}/${RUNS} done`);
    }
  } finally {
    await client.end();
    if (server) await stopServer(server);
  }
  const fmt = (xs) =>
    `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`;
  console.log(
    `| figure (${RUNS} runs, median and range) | p50 ms | p99 ms | reference p99 / this p99 |`,
  );
  console.log('|---|---:|---:|---:|');
  for (const figure of ['overview', 'series']) {
    const ref = results.reference[figure];
    console.log(
      `| ${figure}: plain GROUP BY over the raw tables (reference) | ${fmt(ref.map((r) => r.p50))} | ${fmt(ref.map((r) => r.p99))} | 1 |`,
    );
    for (const kind of ['uncached', 'cached']) {
      const rs = results[kind][figure];
      const ratios = rs.map((r, i) => ref[i].p99 / r.p99);
      console.log(
        `| ${figure}: API, ${kind} | ${fmt(rs.map((r) => r.p50))} | ${fmt(rs.map((r) => r.p99))} | ${fmt(ratios)} |`,
      );
    }
  }
  console.log('');
  console.log(
    '| 50 connections, ' + SECONDS + ' s | req/s | p50 ms | p99 ms | p99 / auth/me p99 |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const [label, rs] of [
    ['GET /api/v1/auth/me (reference)', results.me],
    ['GET /api/v1/admin/users?q=user-04 (10,000 matches: total capped at 1000)', results.search],
    ['GET /api/v1/admin/users?q=user-042317 (one match)', results.searchOne],
  ]) {
    console.log(
      `| ${label} | ${fmt(rs.map((r) => r.reqPerSec))} | ${fmt(rs.map((r) => r.latencyMs.p50))} | ${fmt(rs.map((r) => r.latencyMs.p99))} | ${fmt(rs.map((r, i) => r.latencyMs.p99 / results.me[i].latencyMs.p99))} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
