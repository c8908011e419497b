import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Variables of the test run that must not reach a Meridian started as a newcomer would. */
const RUN_VARIABLES =
  /^(NODE_ENV|DATABASE_URL|REDIS_URL|HOST|LOG_LEVEL|LOG_FORMAT|TEST_|MERIDIAN_|npm_)/;

/** The environment of a terminal: the test run's own variables removed, `env` added. */
export function terminalEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !RUN_VARIABLES.test(name)),
  );
  return { ...clean, ...env };
}

/** Builds dist/ unless it is up to date (what `npm start` does before starting). */
export function ensureBuilt(): void {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
}

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** `npm` as the test run was started with (npm test), else the one on PATH. */
export function npmCommand(args: string[]): [string, string[]] {
  const cli = process.env.npm_execpath;
  return cli && cli.endsWith('.js') ? [process.execPath, [cli, ...args]] : ['npm', args];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A command run from the project root in a process group of its own, as a terminal runs
 * it: `pid` is the group's id, so `signalGroup` is what Ctrl-C does.
 */
export class MeridianProcess {
  readonly child: ChildProcess;
  private out = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (c: string) => (this.out += c));
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.out += c));
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Everything it printed so far, without terminal colours. */
  output(): string {
    // eslint-disable-next-line no-control-regex
    return this.out.replace(/\x1b\[[0-9;]*m/g, '');
  }

  running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until GET /health/ready answers 200 on 127.0.0.1:port. */
  async ready(port: number): Promise<void> {
    for (let i = 0; i < 240; i++) {
      if (!this.running())
        throw new Error(`Meridian exited before it was ready:\n${this.output()}`);
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
      if (res?.status === 200) return;
      await sleep(500);
    }
    throw new Error(`Meridian never became ready:\n${this.output()}`);
  }

  /** Ctrl-C in a terminal: the signal to every process of the group. */
  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.pid, signal);
  }

  /** The exit, or an error (with the output) when it has not exited within `ms`. */
  async exit(ms = 45_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`still running ${ms} ms after the signal:\n${this.output()}`)),
        ms,
      );
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for the exit and fails, showing the output, unless it is a clean one (0). */
  async exitsCleanly(ms?: number): Promise<void> {
    const { code, signal } = await this.exit(ms);
    if (code !== 0 || signal !== null) {
      throw new Error(`exited with code ${code}, signal ${signal}:\n${this.output()}`);
    }
  }

  /** Kills whatever is left of the group (after a failed test). */
  kill(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The postmaster's pid from a cluster's postmaster.pid, if the file is there. */
export function postmasterPid(pgDir: string): number | undefined {
  try {
    return Number(readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

/** Whether a process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The process group of a process (Linux /proc). */
export function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** Waits for a process that is not our child to go away; false if it is still there. */
export async function gone(pid: number, ms = 20_000): Promise<boolean> {
  for (let waited = 0; waited < ms && isAlive(pid); waited += 100) await sleep(100);
  return !isAlive(pid);
}

/** Lines that belong to a stack trace, and error records, in json or pretty logs. */
export function troubles(output: string): string[] {
  return output
    .split('\n')
    .filter(
      (line) =>
        /^\s+at \S/.test(line) ||
        /"stack":/.test(line) ||
        /"level":"(error|fatal)"/.test(line) ||
        /^\[[\d:.]+\] (ERROR|FATAL)/.test(line),
    );
}
