#!/usr/bin/env node
// Merges several bench result files into one table of medians.
//
//   node bench/summarize.mjs bench/results/A.json bench/results/B.json [...]
//   node bench/summarize.mjs --last 3        (the 3 newest files in bench/results/)
//
// Cold start: all samples of all runs pooled (median, range, n). Throughput: for each
// target and server, the median across runs of each figure; the Meridian/bare ratios are
// the median of each run's own ratio (each run pairs Meridian and bare under the same
// conditions).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderMarkdown } from './lib/report.mjs';
import { median } from './lib/stats.mjs';

const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { last: { type: 'string' }, out: { type: 'string' } },
});

let files = positionals;
if (args.last) {
  files = readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json') && !f.startsWith('summary'))
    .sort()
    .slice(-Number(args.last))
    .map((f) => path.join(RESULTS_DIR, f));
}
if (files.length === 0) {
  console.error(
    'usage: node bench/summarize.mjs FILE.json [FILE.json ...] | --last N [--out FILE]',
  );
  process.exit(1);
}
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));

/** Median of a numeric path across objects, e.g. pick(rs, (r) => r.latencyMs.p99). */
const med = (objs, get) => median(objs.map((o) => get(o)).filter((v) => typeof v === 'number'));

function mergeCold() {
  const withCold = runs.filter((r) => r.cold);
  if (withCold.length === 0) return undefined;
  const rows = new Map();
  for (const run of withCold) {
    for (const row of run.cold.rows) {
      if (!rows.has(row.key)) rows.set(row.key, { key: row.key, label: row.label, samples: [] });
      rows.get(row.key).samples.push(...row.samples);
    }
  }
  return { rows: [...rows.values()] };
}

function mergeLoad() {
  const withLoad = runs.filter((r) => r.load);
  if (withLoad.length === 0) return undefined;
  const modes = new Set(withLoad.map((r) => `${r.load.mode}/${r.load.queue}`));
  if (modes.size > 1) throw new Error(`summarize: runs mix load modes (${[...modes].join(', ')})`);
  const targets = new Map();
  for (const run of withLoad) {
    for (const t of run.load.targets) {
      const key = `${t.scenario}\u0000${t.target}`;
      if (!targets.has(key)) targets.set(key, { ...t, byServer: new Map() });
      for (const r of t.results) {
        const bucket = targets.get(key).byServer;
        if (!bucket.has(r.server)) bucket.set(r.server, []);
        bucket.get(r.server).push(r);
      }
    }
  }
  const out = [];
  for (const t of targets.values()) {
    const results = [];
    for (const [server, rs] of t.byServer) {
      results.push({
        server,
        bare: rs[0].bare,
        runs: rs.length,
        reqPerSec: med(rs, (r) => r.reqPerSec),
        reqPerSecAll: rs.map((r) => r.reqPerSec),
        non2xx: rs.reduce((a, r) => a + (r.non2xx || 0), 0),
        errors: rs.reduce((a, r) => a + (r.errors || 0), 0),
        timeouts: rs.reduce((a, r) => a + (r.timeouts || 0), 0),
        noisyRuns: rs.filter((r) => r.noisy).length,
        latencyMs: {
          p50: med(rs, (r) => r.latencyMs.p50),
          p90: med(rs, (r) => r.latencyMs.p90),
          p99: med(rs, (r) => r.latencyMs.p99),
        },
        serverCpu: {
          usPerRequest: med(rs, (r) => r.serverCpu?.usPerRequest),
          coresUsed: med(rs, (r) => r.serverCpu?.coresUsed),
        },
        loadGeneratorCpu: { coresUsed: med(rs, (r) => r.loadGeneratorCpu?.coresUsed) },
        machineCpu: {
          busyCores: med(rs, (r) => r.machineCpu?.busyCores),
          dataStoreCores: med(rs, (r) => r.machineCpu?.dataStoreCores),
          otherCores: med(rs, (r) => r.machineCpu?.otherCores),
        },
        meridianOverBare: rs[0].meridianOverBare
          ? {
              reqPerSec: med(rs, (r) => r.meridianOverBare?.reqPerSec),
              p50: med(rs, (r) => r.meridianOverBare?.p50),
              p99: med(rs, (r) => r.meridianOverBare?.p99),
              cpuPerRequest: med(rs, (r) => r.meridianOverBare?.cpuPerRequest),
            }
          : undefined,
      });
    }
    out.push({ scenario: t.scenario, target: t.target, path: t.path, method: t.method, results });
  }
  return { mode: withLoad[0].load.mode, queue: withLoad[0].load.queue, targets: out };
}

const last = runs[runs.length - 1];
const summary = {
  meta: {
    ...last.meta,
    startedAt: runs.map((r) => r.meta.startedAt).join(', '),
    label: undefined,
    quietBeforeRun: undefined, // per run: see each source file
    runs: runs.length,
    sources: files.map((f) => path.relative(process.cwd(), f)),
  },
  cold: mergeCold(),
  load: mergeLoad(),
};
process.stdout.write(renderMarkdown(summary));
if (args.out) writeFileSync(args.out, JSON.stringify(summary, null, 2) + '\n');
