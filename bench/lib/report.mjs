// Markdown tables for the results object that run.mjs writes (and summarize.mjs merges).
import { median } from './stats.mjs';

const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
const fmt = (x, digits = 0) => (isNum(x) ? x.toFixed(digits) : '–');
const fmtInt = (x) => (isNum(x) ? Math.round(x).toLocaleString('en-US') : '–');
const ratio = (x) => (isNum(x) ? `${x.toFixed(2)}×` : '–');

/** One cold-start row's summary: median (and range when there are several samples). */
export function summarizeSamples(samples, field) {
  const values = samples.map((s) => s[field]).filter(isNum);
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  };
}

function cell({ median: m, min, max, n }) {
  if (!n) return '–';
  return n > 1 ? `${fmtInt(m)} (${fmtInt(min)}–${fmtInt(max)}, n=${n})` : fmtInt(m);
}

export function coldTable(cold) {
  const lines = [
    '| start | spawn → first 200 on /health/ready (ms) | SIGTERM → exit (ms) |',
    '|---|---:|---:|',
  ];
  for (const row of cold.rows) {
    const ready = cell(summarizeSamples(row.samples, 'readyMs'));
    const stop = cell(summarizeSamples(row.samples, 'stopMs'));
    lines.push(`| ${row.label} | ${ready} | ${stop} |`);
  }
  return lines.join('\n');
}

export function loadTable(load) {
  const lines = [
    '| target | server | req/s | p50 (ms) | p99 (ms) | server CPU per request (µs) | cores busy: server / load gen / PostgreSQL+Redis / other | Meridian/bare req/s | Meridian/bare p99 | Meridian/bare CPU per request |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const t of load.targets) {
    for (const r of t.results) {
      const vs = r.meridianOverBare;
      const flags = [];
      if (r.non2xx) flags.push(`${r.non2xx} non-2xx`);
      if (r.errors) flags.push(`${r.errors} errors`);
      if (r.timeouts) flags.push(`${r.timeouts} timeouts`);
      if (r.noisy) flags.push('busy machine');
      if (r.noisyRuns) flags.push(`busy machine in ${r.noisyRuns} of ${r.runs} runs`);
      const server = r.server + (flags.length ? ` ⚠ ${flags.join(', ')}` : '');
      const cells = [
        t.target,
        server,
        fmtInt(r.reqPerSec),
        fmt(r.latencyMs.p50, 2),
        fmt(r.latencyMs.p99, 2),
        fmt(r.serverCpu?.usPerRequest, 0),
        [
          r.serverCpu?.coresUsed,
          r.loadGeneratorCpu?.coresUsed,
          r.machineCpu?.dataStoreCores,
          r.machineCpu?.otherCores,
        ]
          .map((x) => fmt(x, 2))
          .join(' / '),
        vs ? ratio(vs.reqPerSec) : '',
        vs ? ratio(vs.p99) : '',
        vs ? ratio(vs.cpuPerRequest) : '',
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

export function header(meta) {
  const m = meta;
  const title = [
    `Meridian bench — ${m.startedAt}`,
    m.label,
    m.runs ? `median of ${m.runs} runs` : undefined,
  ].filter(Boolean);
  return [
    title.join(' — '),
    '',
    `- machine: ${m.machine.cpus}× ${m.machine.cpuModel}, ${m.machine.memGiB} GiB RAM, ${m.machine.os}; the load generator and the servers share these cores`,
    m.quietBeforeRun
      ? `- machine busy before the run: ${fmt(m.quietBeforeRun.busyCores, 2)} cores (other processes)`
      : undefined,
    `- node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis ?? '–'}${m.git ? `, git ${m.git}` : ''}`,
    m.load
      ? `- load: Meridian in ${m.load.mode} mode (queue on ${m.load.queue}), ${m.load.connections} connections, ${m.load.warmupSec} s warm-up + ${m.load.durationSec} s measured per server and target, database pool size ${m.load.poolSize}`
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
