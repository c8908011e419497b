import pg from 'pg';
import { TlsMode } from '../orchestrator.types.js';

/** How to reach one registered database (the password decrypted only for the connection). */
export interface ConnectionDetails {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string | null;
  tlsMode: TlsMode;
}

export interface ConnectOptions {
  connectTimeoutMs: number;
  /** 0 = none. */
  statementTimeoutMs: number;
  applicationName?: string;
}

export const APPLICATION_NAME = 'meridian-migrations';
export const HISTORY_TABLE = 'meridian_schema_history';

function ssl(mode: TlsMode): pg.ClientConfig['ssl'] {
  switch (mode) {
    case TlsMode.Disable:
      return false;
    case TlsMode.Require:
      return { rejectUnauthorized: false };
    case TlsMode.VerifyFull:
      return { rejectUnauthorized: true };
  }
}

/**
 * Opens one connection to a target (a pool of one, closed after use). A dropped client is
 * noticed by the server within a second, so a killed worker's locks and open transaction
 * go away with it.
 */
export async function openTarget(
  details: ConnectionDetails,
  options: ConnectOptions,
): Promise<pg.Client> {
  const client = new pg.Client({
    host: details.host,
    port: details.port,
    database: details.database,
    user: details.username,
    password: details.password ?? undefined,
    ssl: ssl(details.tlsMode),
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs || undefined,
    application_name: options.applicationName ?? APPLICATION_NAME,
    keepAlive: true,
  });
  // A connection that breaks later surfaces as a failed query; this only keeps the
  // process from treating the event as unhandled.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  try {
    await client.query(`SET client_connection_check_interval = '1s'`);
  } catch {
    // PostgreSQL before 14: the server notices a dead client at its next write instead.
  }
  return client;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** True for failures to reach the server (retried), false for SQL errors (never retried). */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof AggregateError && err.errors.length > 0 && isConnectionError(err.errors[0]))
    return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|timeout expired|connect ETIMEDOUT|Client has encountered a connection error|Connection ended/i.test(
    err.message,
  );
}

/** The driver's reason, without anything that could carry a credential. */
export function driverReason(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return driverReason(err.errors[0]);
  if (typeof err !== 'object' || err === null) return 'unknown error';
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = (typeof message === 'string' && message ? message : 'connection failed')
    .replace(/password=\S+/gi, 'password=***')
    .slice(0, 500);
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** SQL giving the lock key of a schema given as $n (current_database() is part of it). */
export const lockKeySql = (param: string): string =>
  `hashtextextended('meridian-migrations:' || current_database() || ':' || ${param}, 0)`;

export async function ensureHistoryTable(client: pg.Client, schema: string): Promise<void> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${ident(schema)}.${HISTORY_TABLE} (
      installed_rank bigserial PRIMARY KEY,
      version varchar(50),
      description varchar(200) NOT NULL,
      kind varchar(20) NOT NULL,
      checksum char(64),
      installed_by varchar(200) NOT NULL,
      installed_at timestamptz NOT NULL DEFAULT now(),
      execution_time_ms integer NOT NULL DEFAULT 0,
      success boolean NOT NULL,
      execution_id uuid
    )`,
  );
}
