// Runs Meridian (src/main.ts, compiled on the fly by @swc-node/register) as a child
// process, so a test can kill it the way an orchestrator or the OOM killer would.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface MeridianProcess {
  child: ChildProcess;
  /** Its JSON log records so far. */
  logs: Record<string, unknown>[];
  /** Resolves with the exit signal (or code) once the process has ended. */
  exited: Promise<NodeJS.Signals | number | null>;
  /** SIGKILL: no shutdown hook runs, locks and connections are left as they are. */
  kill(): Promise<NodeJS.Signals | number | null>;
}

/**
 * Starts `node src/main.ts` with exactly `env` (plus PATH and HOME) and resolves once a
 * log record's message contains `readyWhen`.
 */
export async function startMeridianProcess(
  env: Record<string, string>,
  readyWhen: string,
  timeoutMs = 60_000,
): Promise<MeridianProcess> {
  const child = spawn(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', path.resolve('src/main.ts')],
    {
      cwd: path.resolve('.'),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Meridian did not log "${readyWhen}" in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(record);
      if (String(record.msg).includes(readyWhen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`Meridian exited (${how}) before logging "${readyWhen}": ${stderr}`));
    });
  });
  try {
    await ready;
  } catch (err) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw err;
  }
  return {
    child,
    logs,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
