// CPU time of a process from /proc/<pid>/stat (Linux only): utime + stime, in seconds.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond;

/** Clock ticks per second (getconf CLK_TCK; 100 on practically every Linux). */
export function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond =
        Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).trim()) ||
        100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * utime + stime of `pid` (the process itself, all its threads; not its children), in
 * seconds. Resolution is one clock tick (10 ms at CLK_TCK=100).
 */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) is in parentheses and may contain spaces: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (field 14) is fields[11], stime (15) is fields[12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/** Starts a CPU measurement of `pid`; stop() returns { cpuSeconds, wallSeconds }. */
export function measureCpu(pid) {
  const cpu0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  return {
    stop() {
      const cpu1 = cpuSeconds(pid);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      return { cpuSeconds: cpu1 - cpu0, wallSeconds: wall };
    },
  };
}

/** Machine-wide CPU time from /proc/stat's first line, in seconds: { busy, steal, total }. */
export function systemCpuSeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const hz = clockTicks();
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / hz, steal: steal / hz, total: (busy + idle + iowait) / hz };
}

/** Starts a machine-wide measurement; stop() returns { busyCores, stealCores }. */
export function measureSystemCpu() {
  const a = systemCpuSeconds();
  const t0 = process.hrtime.bigint();
  return {
    stop() {
      const b = systemCpuSeconds();
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      return { busyCores: (b.busy - a.busy) / wall, stealCores: (b.steal - a.steal) / wall };
    },
  };
}

const DATA_STORES = new Set(['postgres', 'redis-server']);

/** CPU seconds of every process, grouped: each data store (by command name) and the rest. */
function processCpuByGroup(serverPid) {
  const out = { server: 0, loadGen: 0, dataStores: 0, other: 0 };
  let pids;
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const d of pids) {
    let stat;
    try {
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / clockTicks();
    const pid = Number(d);
    if (pid === serverPid) out.server += seconds;
    else if (pid === process.pid) out.loadGen += seconds;
    else if (DATA_STORES.has(comm)) out.dataStores += seconds;
    else out.other += seconds;
  }
  return out;
}

/**
 * Where the machine's CPU went during a window, in cores (CPU seconds per wall second):
 * the server, the load generator (this process), the data stores (every postgres and
 * redis-server process on the machine) and the rest ("other": anything else running,
 * plus kernel time not charged to a process). A high "other" means a busy neighbour
 * skewed the run.
 */
export function measureCpuBreakdown(serverPid) {
  const a = systemCpuSeconds();
  const pa = processCpuByGroup(serverPid);
  const t0 = process.hrtime.bigint();
  return {
    stop() {
      const b = systemCpuSeconds();
      const pb = processCpuByGroup(serverPid);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const busy = (b.busy - a.busy) / wall;
      const server = (pb.server - pa.server) / wall;
      const loadGen = (pb.loadGen - pa.loadGen) / wall;
      // Data stores that started during the window count from zero: bounded below by 0.
      const dataStores = Math.max(0, (pb.dataStores - pa.dataStores) / wall);
      return {
        busyCores: busy,
        stealCores: (b.steal - a.steal) / wall,
        serverCores: server,
        loadGenCores: loadGen,
        dataStoreCores: dataStores,
        otherCores: Math.max(0, busy - server - loadGen - dataStores),
      };
    },
  };
}

/**
 * Waits (at most `maxWaitMs`) for the machine to be quiet: machine-wide busy CPU below
 * `thresholdCores` over a `windowMs` window. Returns { quiet, waitedMs, busyCores } of the
 * last window; never throws. maxWaitMs = 0 just measures one window.
 */
export async function waitForQuiet({
  maxWaitMs = 30_000,
  thresholdCores = 0.2,
  windowMs = 1_000,
} = {}) {
  const start = Date.now();
  const maxWindows = Math.max(1, Math.ceil(maxWaitMs / windowMs));
  let busyCores = NaN;
  for (let i = 0; i < maxWindows; i++) {
    const a = systemCpuSeconds();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const b = systemCpuSeconds();
    busyCores = (b.busy - a.busy) / (windowMs / 1000);
    if (busyCores < thresholdCores) return { quiet: true, waitedMs: Date.now() - start, busyCores };
  }
  return { quiet: false, waitedMs: Date.now() - start, busyCores };
}
