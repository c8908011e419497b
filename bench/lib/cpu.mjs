// CPU time of a process from /proc/<pid>/stat (Linux only): utime + stime, in seconds.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
