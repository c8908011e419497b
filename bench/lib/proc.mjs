// Start, watch and stop server processes. Every child is registered, so the harness can
// stop all of them at the end, on error, on SIGINT/SIGTERM and (synchronously) on exit.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { httpGet, sleep, sleepUnref } from './net.mjs';

const children = new Set();
const LOG_TAIL_BYTES = 32 * 1024;

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Spawns `node <script> ...args` (or any command) in its own process group, with its
 * output kept in a bounded tail for error messages. Returns a handle:
 * { name, pid, child, startedAt (performance.now() just before spawn), exited (promise),
 *   exitInfo, tail(), onStop: [] (extra async clean-ups run after the process ends) }.
 */
export function spawnServer({
  name,
  command = process.execPath,
  args = [],
  env = {},
  replaceEnv = false,
  cwd = process.cwd(),
}) {
  const startedAt = performance.now();
  const child = spawn(command, args, {
    cwd,
    env: replaceEnv ? env : { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: the whole tree can be killed at once
  });
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const handle = {
    name,
    pid: child.pid,
    child,
    startedAt,
    exitInfo: undefined,
    onStop: [],
    tail: () => tail,
  };
  handle.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      handle.exitInfo = { code, signal };
      resolve(handle.exitInfo);
    });
    child.on('error', (error) => {
      handle.exitInfo = { error };
      resolve(handle.exitInfo);
    });
  });
  if (!child.pid) throw new Error(`bench: could not spawn ${name}`);
  children.add(handle);
  return handle;
}

/**
 * Polls `url` until it answers `expectStatus`, the process exits, or `timeoutMs` passes
 * (the loop is bounded both in time and in attempts). Returns timings relative to
 * handle.startedAt: { firstResponseMs (any HTTP status), readyMs, attempts }.
 */
export async function waitForUrl(
  handle,
  url,
  { timeoutMs = 60_000, intervalMs = 10, expectStatus = 200 } = {},
) {
  const deadline = performance.now() + timeoutMs;
  const maxAttempts = Math.ceil(timeoutMs / intervalMs) + 1;
  let firstResponseMs;
  let last;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (handle.exitInfo) {
      throw new Error(
        `bench: ${handle.name} exited (${JSON.stringify(handle.exitInfo)}) before ${url} answered ${expectStatus}\n${handle.tail()}`,
      );
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) break;
    last = await httpGet(url, Math.min(1000, Math.max(50, remaining)));
    const now = performance.now();
    if (last.status !== undefined && firstResponseMs === undefined)
      firstResponseMs = now - handle.startedAt;
    if (last.status === expectStatus)
      return {
        firstResponseMs,
        readyMs: now - handle.startedAt,
        attempts: attempt,
        body: last.body,
      };
    await sleep(intervalMs);
  }
  const lastSeen =
    last?.status !== undefined
      ? `HTTP ${last.status} ${last.body?.slice(0, 300)}`
      : String(last?.error?.message);
  throw new Error(
    `bench: ${handle.name}: ${url} did not answer ${expectStatus} within ${timeoutMs} ms (last: ${lastSeen})\n${handle.tail()}`,
  );
}

function killGroup(handle, signal) {
  try {
    process.kill(-handle.pid, signal);
  } catch {
    try {
      process.kill(handle.pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Stops a server: SIGTERM to the process itself (so it can shut down gracefully, e.g.
 * stop its embedded PostgreSQL), SIGKILL to its whole process group after `timeoutMs`,
 * then the handle's extra clean-ups. Bounded in time; never throws. Returns the time
 * from the signal to the process's exit, in ms.
 */
export async function stopServer(handle, { timeoutMs = 20_000 } = {}) {
  if (!handle) return undefined;
  let stopMs;
  if (!handle.exitInfo) {
    const t0 = performance.now();
    try {
      process.kill(handle.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const timedOut = await Promise.race([
      handle.exited.then(() => false),
      sleepUnref(timeoutMs).then(() => true),
    ]);
    if (timedOut) {
      console.error(
        `bench: ${handle.name} (pid ${handle.pid}) did not stop within ${timeoutMs} ms; killing its process group`,
      );
      killGroup(handle, 'SIGKILL');
      await Promise.race([handle.exited, sleepUnref(5_000)]);
    } else {
      stopMs = performance.now() - t0;
    }
  }
  // Anything left in the group (there should be nothing after a clean exit).
  killGroup(handle, 'SIGKILL');
  for (const fn of handle.onStop.splice(0)) {
    try {
      await fn();
    } catch (err) {
      console.error(`bench: clean-up after ${handle.name} failed: ${err.message}`);
    }
  }
  children.delete(handle);
  return stopMs;
}

/** Stops every registered child, one after the other. */
export async function stopAll() {
  for (const handle of [...children]) await stopServer(handle, { timeoutMs: 10_000 });
}

/** Sends SIGINT to a pid and waits (bounded) for it to go; SIGKILL if it stays. */
export async function stopPid(pid, timeoutMs = 10_000) {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let i = 0; i < timeoutMs / 100 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

let installed = false;
const syncCleanups = [];

/** Registers a synchronous clean-up for process exit (e.g. removing a temp folder). */
export function onExitSync(fn) {
  syncCleanups.push(fn);
}

/**
 * Installs the safety net: SIGINT/SIGTERM stop all children and exit; on 'exit' any
 * child still registered gets SIGKILL to its process group; a watchdog ends the whole run
 * after `maxMs`.
 */
export function installCleanup({ maxMs }) {
  if (installed) return;
  installed = true;
  let stopping = false;
  const bail = async (reason, code) => {
    if (stopping) return;
    stopping = true;
    console.error(`bench: ${reason}; stopping child processes`);
    await Promise.race([stopAll(), sleepUnref(30_000)]);
    process.exit(code);
  };
  process.on('SIGINT', () => void bail('SIGINT', 130));
  process.on('SIGTERM', () => void bail('SIGTERM', 143));
  process.on('exit', () => {
    for (const handle of children) killGroup(handle, 'SIGKILL');
    for (const fn of syncCleanups) {
      try {
        fn();
      } catch {
        /* best effort */
      }
    }
  });
  const watchdog = setTimeout(
    () => void bail(`watchdog: the run took longer than ${Math.round(maxMs / 1000)} s`, 2),
    maxMs,
  );
  watchdog.unref();
}
