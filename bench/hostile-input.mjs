#!/usr/bin/env node
// Does one hostile request stall the event loop? A probe asks GET /health/live every
// 10 ms (one at a time) while a client sends ~1 MB request bodies back to back: a benign
// reference (one long string field, the same size) and hostile shapes (deep nesting, a
// huge array, a very wide object, many strings with NUL escapes). The figure per phase is
// the probe's latency (p50, p99, max) and its p99 as a ratio of the reference phase's p99,
// measured in the same run; three runs, median and range.
//
//   npm run build && node bench/hostile-input.mjs [--runs 3] [--seconds 4]
import { performance } from 'node:perf_hooks';
import { infraSettings, databaseUrl, recreateDatabase } from './lib/infra.mjs';
import { assertBuilt, startMeridian } from './lib/meridian.mjs';
import { median, percentileSorted } from './lib/stats.mjs';
import { stopServer } from './lib/proc.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = arg('runs', 3);
const SECONDS = arg('seconds', 4);
const SIZE = 1_000_000;

const bodies = {
  'reference: one 1 MB string': JSON.stringify({ refreshToken: 'x'.repeat(SIZE - 30) }),
  'nested 500k levels': '['.repeat(SIZE / 2) + ']'.repeat(SIZE / 2),
  'array of 300k numbers': JSON.stringify({ refreshToken: Array(300_000).fill(1) }),
  'object with 80k keys': JSON.stringify(
    Object.fromEntries(Array.from({ length: 80_000 }, (_, i) => [`k${i}`, i])),
  ),
  '100k strings with NUL': JSON.stringify({ refreshToken: Array(100_000).fill('a\u0000') }),
};

/** The server's own event-loop delay (max since the last scrape; prom-client resets it). */
async function loopLagMaxMs(baseUrl) {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('nodejs_eventloop_lag_max_seconds'));
  return line ? Number(line.split(' ').pop()) * 1000 : NaN;
}

async function probeWhile(baseUrl, load) {
  await loopLagMaxMs(baseUrl);
  const samples = [];
  const answerMs = [];
  let running = true;
  const prober = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await fetch(`${baseUrl}/health/live`);
      await res.arrayBuffer();
      samples.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const statuses = new Map();
  const deadline = Date.now() + SECONDS * 1000;
  const loader = (async () => {
    if (!load) return;
    while (Date.now() < deadline) {
      const t0 = performance.now();
      const res = await fetch(`${baseUrl}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: load,
      });
      await res.arrayBuffer();
      answerMs.push(performance.now() - t0);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  })();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  await loader;
  running = false;
  await prober;
  const sorted = samples.sort((a, b) => a - b);
  return {
    lagMax: await loopLagMaxMs(baseUrl),
    answer: median(answerMs),
    p50: percentileSorted(sorted, 50),
    p99: percentileSorted(sorted, 99),
    max: sorted[sorted.length - 1],
    statuses: Object.fromEntries(statuses),
  };
}

async function main() {
  assertBuilt();
  const infra = infraSettings();
  const name = 'meridian_bench_hostile';
  await recreateDatabase(infra.adminUrl, name);
  const server = await startMeridian({
    mode: 'external',
    databaseUrl: databaseUrl(infra.adminUrl, name),
    queuePrefix: 'meridian-bench-hostile',
    extraEnv: { BODY_LIMIT_BYTES: String(2 * SIZE) },
  });
  const results = {};
  try {
    for (let run = 1; run <= RUNS; run++) {
      const idle = await probeWhile(server.baseUrl, undefined);
      (results.idle ??= []).push(idle);
      let reference;
      for (const [label, body] of Object.entries(bodies)) {
        const r = await probeWhile(server.baseUrl, body);
        if (!reference) reference = r;
        r.ratio = r.p99 / reference.p99;
        (results[label] ??= []).push(r);
      }
      console.error(`run ${run}/${RUNS} done`);
    }
  } finally {
    await stopServer(server);
  }
  const fmt = (xs) => {
    const m = median(xs);
    return `${m.toFixed(1)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`;
  };
  console.log(
    `| phase (${SECONDS} s each, ${RUNS} runs) | answers | answer ms (median) | server event-loop delay max ms | probe p50 ms | probe p99 ms | probe max ms | probe p99 / reference |`,
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const [label, rs] of Object.entries(results)) {
    const statuses = [...new Set(rs.flatMap((r) => Object.keys(r.statuses)))].join(', ') || '-';
    const ratio = rs[0].ratio === undefined ? '-' : fmt(rs.map((r) => r.ratio));
    console.log(
      `| ${label} | ${statuses} | ${rs[0].answer === undefined || Number.isNaN(rs[0].answer) ? '-' : fmt(rs.map((r) => r.answer))} | ${fmt(rs.map((r) => r.lagMax))} | ${fmt(rs.map((r) => r.p50))} | ${fmt(rs.map((r) => r.p99))} | ${fmt(rs.map((r) => r.max))} | ${ratio} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
