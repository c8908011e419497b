import { AppException } from './app.exception.js';
import { CoreErrorCode } from './error-codes.js';

/** Seconds a client should wait before retrying while a dependency is down. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/** Socket-level failures: the peer is not there (or went away), not a bad request. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs that mean "the server cannot serve you right now": class 08
 * (connection exception), 53300 (too many connections), 57P01-57P03 (shutting down,
 * crashed, starting up).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '53300' || /^57P0[1-3]$/.test(code);
}

/** Messages of the pg driver and pool when the connection is gone or cannot be made. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Connection refused',
];

function* chain(err: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    yield record;
    if (Array.isArray(record.errors)) {
      for (const inner of record.errors as unknown[]) yield* chain(inner);
    }
    current = record.driverError ?? record.cause;
  }
}

/**
 * True when an error thrown while serving a request means PostgreSQL is unreachable
 * (refused, reset, timed out, shutting down), as opposed to a bug or a bad statement.
 * Features never see this: the global filter and the guard answer 503 for them.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of chain(err)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && NETWORK_CODES.has(code)) return true;
    if (code && /^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    if (PG_CONNECTION_MESSAGES.some((m) => message.startsWith(m))) return true;
  }
  return false;
}

export function databaseUnavailable(cause?: unknown): AppException {
  return new AppException(
    503,
    CoreErrorCode.DatabaseUnavailable,
    'The database cannot be reached right now; retry shortly.',
    { headers: { 'retry-after': String(DEPENDENCY_RETRY_AFTER_SECONDS) }, cause },
  );
}

export function queueUnavailable(cause?: unknown): AppException {
  return new AppException(
    503,
    CoreErrorCode.QueueUnavailable,
    'The job queue cannot take work right now; nothing was done. Retry shortly.',
    { headers: { 'retry-after': String(DEPENDENCY_RETRY_AFTER_SECONDS) }, cause },
  );
}

export function identityProviderUnavailable(cause?: unknown): AppException {
  return new AppException(
    503,
    CoreErrorCode.IdentityProviderUnavailable,
    "The identity provider's signing keys cannot be fetched right now; retry shortly.",
    { headers: { 'retry-after': String(DEPENDENCY_RETRY_AFTER_SECONDS) }, cause },
  );
}
