// Start Meridian (dist/src/main.js) as a child process, in external or embedded mode.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, LOOPBACK } from './net.mjs';
import { onExitSync, spawnServer, stopPid, waitForUrl } from './proc.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The entry point under test: dist/src/main.js of this checkout, or BENCH_MERIDIAN_MAIN
 * (e.g. a build of another revision, kept apart from a dist/ that is being rebuilt).
 */
export const MAIN = process.env.BENCH_MERIDIAN_MAIN
  ? path.resolve(process.env.BENCH_MERIDIAN_MAIN)
  : path.join(REPO_ROOT, 'dist', 'src', 'main.js');
/** The checkout MAIN belongs to (its working directory when started). */
export const MAIN_ROOT = path.resolve(path.dirname(MAIN), '..', '..');

/**
 * The only variables Meridian inherits from the caller's environment: none of its own
 * settings leaks in from your shell, so every run starts from the same configuration.
 */
const INHERITED_VARS = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/**
 * A fixed key for secrets at rest, for the throwaway bench database only (external mode,
 * where Meridian requires ENCRYPTION_KEYS in production). Override with --env.
 */
export const BENCH_ENCRYPTION_KEYS = `bench:${createHash('sha256').update('meridian-bench').digest('base64')}`;

/** Meridian's connection pool size (its default); the bare servers use the same. */
export const POOL_SIZE = 10;

export function assertBuilt() {
  if (!existsSync(MAIN))
    throw new Error(`bench: ${MAIN} is missing; run \`npm run build\` (or \`npm run bench\`)`);
}

/** A fresh temp DATA_DIR for embedded mode, removed at process exit at the latest. */
export function makeDataDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meridian-bench-'));
  onExitSync(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function removeDataDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** The embedded PostgreSQL's URL for the `meridian` database (for the bare servers). */
export function embeddedDatabaseUrl(dataDir, port) {
  const creds = JSON.parse(readFileSync(path.join(dataDir, 'postgres.credentials.json'), 'utf8'));
  return `postgres://${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@${LOOPBACK}:${port}/meridian`;
}

/**
 * Spawns Meridian. mode 'external' needs databaseUrl; mode 'embedded' needs dataDir.
 * redisUrl is optional (BullMQ on PostgreSQL without it); extraEnv (--env) comes last and
 * overrides anything. Returns the process handle
 * with { baseUrl, port, mode, dataDir, embeddedDbPort } added.
 */
export async function spawnMeridian({
  mode,
  databaseUrl,
  dataDir,
  redisUrl,
  queuePrefix,
  extraEnv = {},
}) {
  const port = await freePort();
  const env = {};
  for (const name of INHERITED_VARS)
    if (process.env[name] !== undefined) env[name] = process.env[name];
  Object.assign(env, {
    NODE_ENV: 'production',
    HOST: LOOPBACK,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '0',
    SHUTDOWN_GRACE_MS: '0',
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    QUEUE_PREFIX: queuePrefix,
  });
  let embeddedDbPort;
  if (mode === 'external') {
    if (!databaseUrl) throw new Error('bench: external mode needs a database URL');
    env.DATABASE_URL = databaseUrl;
    env.ENCRYPTION_KEYS = BENCH_ENCRYPTION_KEYS;
  } else if (mode === 'embedded') {
    if (!dataDir) throw new Error('bench: embedded mode needs a DATA_DIR');
    embeddedDbPort = await freePort();
    env.DATA_DIR = dataDir;
    env.EMBEDDED_DB_PORT = String(embeddedDbPort);
  } else {
    throw new Error(`bench: unknown mode ${mode}`);
  }
  if (redisUrl) env.REDIS_URL = redisUrl;
  Object.assign(env, extraEnv);
  const handle = spawnServer({
    name: `meridian (${mode})`,
    args: [MAIN],
    env,
    replaceEnv: true,
    cwd: MAIN_ROOT,
  });
  Object.assign(handle, {
    baseUrl: `http://${LOOPBACK}:${port}`,
    port,
    mode,
    dataDir,
    embeddedDbPort,
  });
  if (mode === 'embedded') {
    // Should Meridian die without stopping its PostgreSQL, stop that one too.
    handle.onStop.push(async () => {
      const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
      if (!existsSync(pidFile)) return;
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0) await stopPid(pid);
    });
  }
  return handle;
}

/** Spawns Meridian and waits for the first 200 on /health/ready. */
export async function startMeridian(options, { timeoutMs = 120_000 } = {}) {
  const handle = await spawnMeridian(options);
  handle.timings = await waitForUrl(handle, `${handle.baseUrl}/health/ready`, { timeoutMs });
  return handle;
}
