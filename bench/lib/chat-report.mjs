// Figures of one chat measurement, and the markdown tables of several runs (medians with
// ranges; Meridian/bare ratios taken within each run, then their median and range).
import { median, percentileSorted } from './stats.mjs';

const pct = (sorted) => ({
  p50: percentileSorted(sorted, 50),
  p99: percentileSorted(sorted, 99),
  max: sorted[sorted.length - 1],
});

function failureReason(r) {
  if (r.status !== 200)
    return r.status ? `HTTP ${r.status} ${r.code ?? ''}`.trim() : `socket ${r.error}`;
  if (r.final === 'error') return `error event ${r.code ?? ''} after ${r.deltas} deltas`.trim();
  if (r.final === 'message') return `message ${r.finalStatus} after ${r.deltas} deltas`;
  return `ended early (${r.error ?? 'no final event'}) after ${bucket(r.deltas)} deltas`;
}

const bucket = (n) =>
  n === 0
    ? '0'
    : n < 10
      ? '1-9'
      : n < 50
        ? `${Math.floor(n / 10) * 10}-${Math.floor(n / 10) * 10 + 9}`
        : String(n);

/**
 * The figures of one measurement: completion, failures by reason, time to first delta,
 * added latency per delta, time to the end of each stream, memory per open stream and
 * CPU. `memory` = { idle, peak, peakOpen } (bytes, streams), `cpu` = measureCpuBreakdown's.
 */
export function streamFigures({
  results,
  lags,
  wallMs,
  memory,
  cpu,
  serverCpuSeconds,
  databaseCpuSeconds,
}) {
  const failures = {};
  for (const r of results) {
    if (r.ok) continue;
    const reason = failureReason(r);
    failures[reason] = (failures[reason] ?? 0) + 1;
  }
  const ttfd = results.map((r) => r.ttfdMs).filter((x) => x !== undefined);
  const userMessage = results.map((r) => r.userMessageMs).filter((x) => x !== undefined);
  const done = results.filter((r) => r.ok).map((r) => r.doneMs);
  const sortNum = (a) => Float64Array.from(a).sort();
  return {
    streams: results.length,
    completed: results.filter((r) => r.ok).length,
    failures,
    userMessageMs: pct(sortNum(userMessage)),
    ttfdMs: pct(sortNum(ttfd)),
    lagMs: pct(sortNum(lags)),
    doneMs: pct(sortNum(done)),
    wallSeconds: wallMs / 1000,
    rssIdleMiB: memory.idle / 2 ** 20,
    rssPeakMiB: memory.peak / 2 ** 20,
    peakOpenStreams: memory.peakOpen,
    rssPerOpenStreamKiB: memory.peakOpen
      ? (memory.peak - memory.idle) / memory.peakOpen / 1024
      : NaN,
    serverCpuMsPerStream: (serverCpuSeconds * 1000) / results.length,
    databaseCpuMsPerStream:
      databaseCpuSeconds === undefined ? undefined : (databaseCpuSeconds * 1000) / results.length,
    cores: cpu,
  };
}

const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
const f0 = (x) => (isNum(x) ? Math.round(x).toLocaleString('en-US') : '–');
const f1 = (x) => (isNum(x) ? x.toFixed(1) : '–');
const f2 = (x) => (isNum(x) ? x.toFixed(2) : '–');

/** "median (min–max)" of the numbers `get` picks from `items`. */
function spread(items, get, fmt) {
  const v = items.map(get).filter(isNum);
  if (v.length === 0) return '–';
  if (v.length === 1) return fmt(v[0]);
  return `${fmt(median(v))} (${fmt(Math.min(...v))}–${fmt(Math.max(...v))})`;
}

const ROWS = [
  ['time to user-message p50 (ms)', (t) => t.userMessageMs?.p50, f0],
  ['time to user-message p99 (ms)', (t) => t.userMessageMs?.p99, f0],
  ['time to first delta p50 (ms)', (t) => t.ttfdMs.p50, f0],
  ['time to first delta p99 (ms)', (t) => t.ttfdMs.p99, f0],
  ['added latency per delta p50 (ms)', (t) => t.lagMs.p50, f1],
  ['added latency per delta p99 (ms)', (t) => t.lagMs.p99, f1],
  ['stream done p50 (ms)', (t) => t.doneMs.p50, f0],
  ['stream done p99 (ms)', (t) => t.doneMs.p99, f0],
  ['wall time, all streams (s)', (t) => t.wallSeconds, f1],
  ['server CPU per stream (ms)', (t) => t.serverCpuMsPerStream, f2],
  ["its PostgreSQL backends' CPU per stream (ms)", (t) => t.databaseCpuMsPerStream, f2],
  ['RSS idle → peak (MiB)', null, null],
  ['peak open streams', (t) => t.peakOpenStreams, f0],
  ['RSS per open stream (KiB)', (t) => t.rssPerOpenStreamKiB, f0],
];

/**
 * One table per stream count: a column per server (median and range over the runs) and
 * the Meridian/bare ratio of each run's own figures (median and range).
 */
export function chatMarkdown(runs) {
  const sizes = [...new Set(runs.flatMap((r) => r.measurements.map((m) => m.streams)))].sort(
    (a, b) => a - b,
  );
  const out = [];
  for (const n of sizes) {
    const pairs = runs
      .map((r) => ({
        meridian: r.measurements.find((m) => m.streams === n && m.target === 'meridian')?.figures,
        bare: r.measurements.find((m) => m.streams === n && m.target === 'bare')?.figures,
      }))
      .filter((p) => p.meridian || p.bare);
    const m = pairs.map((p) => p.meridian).filter(Boolean);
    const b = pairs.map((p) => p.bare).filter(Boolean);
    const both = pairs.filter((p) => p.meridian && p.bare);
    out.push(`#### ${n.toLocaleString('en-US')} concurrent streams (${pairs.length} runs)`, '');
    out.push('| figure | Meridian | bare relay | Meridian/bare |', '|---|---:|---:|---:|');
    out.push(
      `| streams completed | ${m.map((x) => `${x.completed}`).join(', ') || '–'} of ${n} | ${b.map((x) => `${x.completed}`).join(', ') || '–'} of ${n} | |`,
    );
    for (const [label, get, fmt] of ROWS) {
      if (!get) {
        const rss = (xs) =>
          xs.length
            ? `${spread(xs, (x) => x.rssIdleMiB, f0)} → ${spread(xs, (x) => x.rssPeakMiB, f0)}`
            : '–';
        out.push(`| ${label} | ${rss(m)} | ${rss(b)} | |`);
        continue;
      }
      const ratio = spread(
        both,
        (p) => get(p.meridian) / get(p.bare),
        (x) => `${x.toFixed(2)}×`,
      );
      out.push(`| ${label} | ${spread(m, get, fmt)} | ${spread(b, get, fmt)} | ${ratio} |`);
    }
    const failures = {};
    for (const x of m)
      for (const [k, v] of Object.entries(x.failures)) failures[k] = (failures[k] ?? 0) + v;
    if (Object.keys(failures).length) {
      out.push(
        '',
        `Meridian failures over the runs: ${Object.entries(failures)
          .map(([k, v]) => `${v} × ${k}`)
          .join('; ')}.`,
      );
    }
    const cores = (xs) => spread(xs, (x) => x.cores.otherCores, f2);
    out.push(
      '',
      `Cores taken by other processes during the runs: Meridian ${cores(m)}, bare ${cores(b)}; PostgreSQL+Redis during Meridian's: ${spread(m, (x) => x.cores.dataStoreCores, f2)}.`,
      '',
    );
  }
  return out.join('\n');
}
