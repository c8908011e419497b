// Target databases for the migration orchestrator's suites: real databases and schemas on
// the test PostgreSQL server, and a folder of SQL files to act as MIGRATIONS_SOURCE_DIR.
import { mkdtempSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { onServer, uniqueName, withDatabase } from '../setup/test-database.js';

export interface ServerParts {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function serverParts(serverUrl: string): ServerParts {
  const u = new URL(serverUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
  };
}

/** Creates a database on the test server; the returned function drops it. */
export async function createTargetDatabase(serverUrl: string, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await onServer(serverUrl, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
  return name;
}

export async function dropTargetDatabase(serverUrl: string, name: string): Promise<void> {
  await onServer(serverUrl, (c) =>
    c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** Runs fn with a client on one database of the test server. */
export async function onTarget<T>(
  serverUrl: string,
  database: string,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, database) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A MIGRATIONS_SOURCE_DIR in a temporary folder. */
export class SqlSource {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'meridian-sql-'));

  write(type: string, file: string, sql: string): this {
    mkdirSync(path.join(this.dir, type), { recursive: true });
    writeFileSync(path.join(this.dir, type, file), sql);
    return this;
  }

  remove(type: string, file: string): this {
    unlinkSync(path.join(this.dir, type, file));
    return this;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
