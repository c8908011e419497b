// Markdown tables for the results object that run.mjs writes (and summarize.mjs merges).
import { median } from './stats.mjs';

const fmt = (x, digits = 0) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '–');
const fmtInt = (x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const ratio = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');

/** One cold-start row's summary: median (and range when there are several samples). */
export function summarizeSamples(samples, field) {
  const values = samples.map((s) => s[field]).filter((v) => typeof v === 'number');
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

function cell({ median: m, min, max, n }) {
  if (!n) return '–';
  return n > 1 ? `${fmtInt(m)} (${fmtInt(min)}–${fmtInt(max)}, n=${n})` : fmtInt(m);
}

export function coldTable(cold) {
  const lines = [
    '| start | spawn → first HTTP response (ms) | spawn → first 200 on /health/ready (ms) | SIGTERM → exit (ms) |',
    '|---|---:|---:|---:|',
  ];
  for (const row of cold.rows) {
    lines.push(
      `| ${row.label} | ${cell(summarizeSamples(row.samples, 'firstResponseMs'))} | ${cell(summarizeSamples(row.samples, 'readyMs'))} | ${cell(summarizeSamples(row.samples, 'stopMs'))} |`,
    );
  }
  return lines.join('\n');
}

export function loadTable(load) {
  const lines = [
    '| target | server | req/s | p50 (ms) | p99 (ms) | server CPU per request (µs) | server cores busy | Meridian/bare req/s | Meridian/bare p99 | Meridian/bare CPU per request |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const t of load.targets) {
    for (const r of t.results) {
      const vs = r.meridianOverBare;
      const flags = [];
      if (r.non2xx) flags.push(`${r.non2xx} non-2xx`);
      if (r.errors) flags.push(`${r.errors} errors`);
      if (r.timeouts) flags.push(`${r.timeouts} timeouts`);
      const server = r.server + (flags.length ? ` ⚠ ${flags.join(', ')}` : '');
      lines.push(
        `| ${t.target} | ${server} | ${fmtInt(r.reqPerSec)} | ${fmt(r.latencyMs.p50, 2)} | ${fmt(r.latencyMs.p99, 2)} | ${fmt(r.serverCpu?.usPerRequest, 0)} | ${fmt(r.serverCpu?.coresUsed, 2)} | ${vs ? ratio(vs.reqPerSec) : ''} | ${vs ? ratio(vs.p99) : ''} | ${vs ? ratio(vs.cpuPerRequest) : ''} |`,
      );
    }
  }
  return lines.join('\n');
}

export function header(meta) {
  const m = meta;
  return [
    `Meridian bench — ${m.startedAt}${m.label ? ` — ${m.label}` : ''}${m.runs ? ` — median of ${m.runs} runs` : ''}`,
    '',
    `- machine: ${m.machine.cpus}× ${m.machine.cpuModel}, ${m.machine.memGiB} GiB RAM, ${m.machine.os}; load generator and servers share these cores`,
    `- node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis ?? '–'}${m.git ? `, git ${m.git}` : ''}`,
    m.load
      ? `- load: Meridian in ${m.load.mode} mode (queue on ${m.load.queue}), ${m.load.connections} connections, ${m.load.warmupSec} s warm-up + ${m.load.durationSec} s measured per server and target, pool size ${m.load.poolSize}`
      : undefined,
  ]
    .filter((l) => l !== undefined)
    .join('\n');
}

export function renderMarkdown(results) {
  const parts = [header(results.meta)];
  if (results.cold) parts.push('### Cold start', coldTable(results.cold));
  if (results.load) parts.push('### Throughput and latency', loadTable(results.load));
  return parts.join('\n\n') + '\n';
}
