// The bench's own PostgreSQL database and Redis key prefix (never anyone else's).
import pg from 'pg';
import { Redis } from 'ioredis';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** Settings, overridable by environment variables. */
export function infraSettings(env = process.env) {
  return {
    adminUrl: env.BENCH_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    database: env.BENCH_DATABASE || 'meridian_bench',
    redisUrl: env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
    queuePrefix: env.BENCH_QUEUE_PREFIX || 'meridian-bench',
  };
}

function assertLocal(url, what) {
  const u = new URL(url);
  if (!LOCAL_HOSTS.has(u.hostname))
    throw new Error(`bench: ${what} must be on 127.0.0.1 (got ${u.hostname})`);
  return u;
}

function assertBenchName(name) {
  if (!/^[a-z0-9_]{1,63}$/.test(name) || !name.includes('bench')) {
    throw new Error(
      `bench: database name ${JSON.stringify(name)} must be [a-z0-9_] and contain "bench" (it gets dropped)`,
    );
  }
}

/** The URL of database `name` on the admin URL's server. */
export function databaseUrl(adminUrl, name) {
  const u = assertLocal(adminUrl, 'BENCH_PG_ADMIN_URL');
  u.pathname = `/${name}`;
  return u.toString();
}

async function withAdmin(adminUrl, fn) {
  assertLocal(adminUrl, 'BENCH_PG_ADMIN_URL');
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops (if present) and creates the bench database: a fresh, unmigrated database. */
export async function recreateDatabase(adminUrl, name) {
  assertBenchName(name);
  await withAdmin(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`);
  });
}

/** Creates the bench database when missing. */
export async function ensureDatabase(adminUrl, name) {
  assertBenchName(name);
  await withAdmin(adminUrl, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`);
  });
}

/** The PostgreSQL server version string (preflight check and report). */
export async function postgresVersion(adminUrl) {
  return withAdmin(
    adminUrl,
    async (c) => (await c.query('SHOW server_version')).rows[0].server_version,
  );
}

/**
 * Checks Redis answers and deletes the keys under `<prefix>:` (the bench's own queue
 * prefix), so each run starts from the same state. Bounded: at most 1000 SCAN rounds.
 * Returns the Redis server version.
 */
export async function resetRedisPrefix(redisUrl, prefix) {
  assertLocal(redisUrl, 'BENCH_REDIS_URL');
  if (!/^[a-z0-9_-]*bench[a-z0-9_-]*$/i.test(prefix))
    throw new Error(`bench: queue prefix ${prefix} must contain "bench"`);
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  await redis.connect();
  try {
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    let cursor = '0';
    for (let round = 0; round < 1000; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    return version;
  } finally {
    redis.disconnect();
  }
}
