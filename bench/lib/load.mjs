// Load generation with autocannon's programmatic API, plus our own latency samples
// (autocannon's histogram has 1 ms resolution; ours keeps the float milliseconds it
// measures per response) and the server's CPU time per request.
import autocannon from 'autocannon';
import { measureCpu, measureCpuBreakdown } from './cpu.mjs';
import { assertLoopbackUrl } from './net.mjs';
import { percentileSorted, SampleBuffer } from './stats.mjs';

function autocannonOptions({ url, method = 'GET', headers, body, connections, durationSec, rate }) {
  assertLoopbackUrl(url);
  return {
    url,
    method,
    headers,
    body:
      body === undefined || typeof body === 'string' || Buffer.isBuffer(body)
        ? body
        : JSON.stringify(body),
    connections,
    pipelining: 1,
    duration: durationSec,
    timeout: 10,
    // A fixed offered load (requests per second over all connections), so two servers are
    // compared doing the same work at the same rate rather than each at its own limit.
    ...(rate ? { overallRate: rate } : {}),
  };
}

const round = (x, digits = 2) =>
  Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null;

/**
 * Warm-up run (discarded), then the measured run. `pid` is the server process whose CPU
 * time is read before and after the measured run. Returns a plain JSON-able object.
 */
export async function runLoad({
  url,
  method,
  headers,
  body,
  connections = 50,
  durationSec = 10,
  warmupSec = 2,
  rate,
  pid,
}) {
  if (warmupSec > 0) {
    await autocannon(
      autocannonOptions({
        url,
        method,
        headers,
        body,
        connections,
        durationSec: warmupSec,
        rate,
      }),
    );
  }
  const samples = new SampleBuffer();
  let bytes = 0;
  const cpu = pid ? measureCpu(pid) : undefined;
  const machine = measureCpuBreakdown(pid);
  const loadGenCpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const instance = autocannon(
    autocannonOptions({ url, method, headers, body, connections, durationSec, rate }),
  );
  instance.on('response', (_client, statusCode, resBytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) {
      samples.push(responseTime);
      bytes += resBytes;
    }
  });
  const result = await new Promise((resolve, reject) => instance.then(resolve, reject));
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const server = cpu?.stop();
  const loadGen = process.cpuUsage(loadGenCpu0);
  const machineCpu = machine.stop();
  const loadGenCores = (loadGen.user + loadGen.system) / 1e6 / wallSeconds;
  const ok = result['2xx'];
  const sorted = samples.sorted();
  return {
    url,
    method: method ?? 'GET',
    connections,
    durationSec,
    warmupSec,
    rate: rate ?? null,
    wallSeconds: round(wallSeconds, 3),
    requests2xx: ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]),
    ),
    reqPerSec: round(ok / wallSeconds, 1),
    bytesPerResponse: ok ? round(bytes / ok, 0) : null,
    latencyMs: {
      p50: round(percentileSorted(sorted, 50), 2),
      p90: round(percentileSorted(sorted, 90), 2),
      p99: round(percentileSorted(sorted, 99), 2),
      max: round(sorted[sorted.length - 1], 2),
      mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1), 2),
      samples: sorted.length,
      droppedSamples: samples.dropped,
    },
    autocannonLatencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      mean: result.latency.mean,
    },
    serverCpu: server
      ? {
          cpuSeconds: round(server.cpuSeconds, 2),
          usPerRequest: ok ? round((server.cpuSeconds * 1e6) / ok, 1) : null,
          coresUsed: round(server.cpuSeconds / server.wallSeconds, 2),
        }
      : null,
    loadGeneratorCpu: {
      cpuSeconds: round((loadGen.user + loadGen.system) / 1e6, 2),
      coresUsed: round(loadGenCores, 2),
    },
    // Whole machine during the measured run, in cores: see measureCpuBreakdown.
    machineCpu: {
      busyCores: round(machineCpu.busyCores, 2),
      stealCores: round(machineCpu.stealCores, 2),
      dataStoreCores: round(machineCpu.dataStoreCores, 2),
      otherCores: round(machineCpu.otherCores, 2),
    },
  };
}
