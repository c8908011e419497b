import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Queue, createPostgresBackend } from 'bullmq';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { BULLMQ_PG_SCHEMA } from '../../src/queue/queue-connection.js';

const TEMPLATE_LOCK = 7_312_004_212;
const MIGRATED = 'meridian template: migrated';

/** Connection URL of another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Runs statements on the server's maintenance database. */
export async function onServer<T>(
  serverUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Applies the migrations (and BullMQ's schema) to the run's template database, once. */
async function migrateTemplate(serverUrl: string, template: string): Promise<void> {
  const url = withDatabase(serverUrl, template);
  const ds = new DataSource(
    dataSourceOptions(url, { poolSize: 2, statementTimeoutMs: 0, connectTimeoutMs: 10_000 }),
  );
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  if (!process.env.TEST_REDIS_URL) {
    const queue = new Queue(
      'template',
      {
        connection: {
          connectionString: url,
          schema: BULLMQ_PG_SCHEMA,
          migrate: true,
          max: 1,
        },
      },
      createPostgresBackend as never,
    );
    await queue.waitUntilReady();
    await queue.close();
  }
}

/** Creates a database for one test file as a copy of the migrated template. */
export async function createDatabaseFromTemplate(
  serverUrl: string,
  template: string,
): Promise<string> {
  const name = uniqueName(`meridian_test_${process.env.MERIDIAN_TEST_RUN ?? 'x'}`);
  await onServer(serverUrl, async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const { rows } = await c.query<{ note: string | null }>(
        `SELECT shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname = $1`,
        [template],
      );
      if (rows[0]?.note !== MIGRATED) {
        await migrateTemplate(serverUrl, template);
        await c.query(`COMMENT ON DATABASE ${c.escapeIdentifier(template)} IS '${MIGRATED}'`);
      }
      await c.query(
        `CREATE DATABASE ${c.escapeIdentifier(name)} TEMPLATE ${c.escapeIdentifier(template)}`,
      );
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
  return name;
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await onServer(serverUrl, (c) =>
    c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`),
  );
}
