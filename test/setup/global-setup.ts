// Starts one PostgreSQL for the whole run (embedded, or TEST_DATABASE_URL's server) and
// creates an empty template database. The first test file to need it migrates it (see
// test-app.ts); every file then copies it (CREATE DATABASE ... TEMPLATE), so files run
// in parallel without cleanup. Jest loads this file outside its module mapper, hence the
// `.ts` import.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.ts';

declare global {
  var __MERIDIAN_TEST_STOP__: (() => Promise<void>) | undefined;
}

async function onServer(serverUrl: string, fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  let stopServer = async (): Promise<void> => undefined;
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'meridian-test-'));
    const server = await startEmbeddedPostgres({
      dataDir,
      port: 0,
      logger: pino({ level: 'warn' }),
      databases: [],
    });
    serverUrl = `${server.url}/postgres`;
    stopServer = server.stop;
  }
  const run = randomBytes(4).toString('hex');
  const template = `meridian_template_${run}`;
  await onServer(serverUrl, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(template)}`));

  process.env.MERIDIAN_TEST_SERVER_URL = serverUrl;
  process.env.MERIDIAN_TEST_TEMPLATE = template;
  process.env.MERIDIAN_TEST_RUN = run;
  globalThis.__MERIDIAN_TEST_STOP__ = async () => {
    await onServer(serverUrl, async (c) => {
      const dbs = await c.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2',
        [`meridian_test_${run}_%`, template],
      );
      for (const { datname } of dbs.rows) {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    });
    await stopServer();
  };
}
