import path from 'node:path';
import {
  AppRole,
  ConfigError,
  NodeEnv,
  validateEnvironment,
  type EnvironmentVariables,
} from './environment.js';

export { AppRole, ConfigError, NodeEnv };

export interface DatabaseConfig {
  /** Set when an external PostgreSQL is configured; otherwise the embedded server is used. */
  url?: string;
  poolSize: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  runMigrations: boolean;
  /** Port of the embedded server; 0 picks a free port at start. */
  embeddedPort: number;
}

export interface AppConfig {
  env: NodeEnv;
  role: AppRole;
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  queue: { redisUrl?: string; prefix: string };
  log: { level: string; format: 'json' | 'pretty' };
  shutdown: { graceMs: number; timeoutMs: number };
  http: {
    corsOrigins: string[];
    bodyLimitBytes: number;
    rateLimit: { max: number; windowMs: number };
    trustProxy: boolean | number | string[];
    docsEnabled: boolean;
  };
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((s) => s.trim());
}

function parseOrigins(value: string | undefined): string[] {
  if (!value) return [];
  const origins = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = origins.filter((o) => o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o));
  if (bad.length > 0) {
    throw new ConfigError([
      `CORS_ORIGINS=${JSON.stringify(value)}: origins must look like https://host[:port] (bad: ${bad.join(', ')})`,
    ]);
  }
  return origins;
}

/** The one place that reads process.env: validates it and returns the typed configuration. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const v: EnvironmentVariables = validateEnvironment(env);
  const nodeEnv = v.NODE_ENV ?? NodeEnv.Production;
  return {
    env: nodeEnv,
    role: v.APP_ROLE ?? AppRole.All,
    port: v.PORT ?? 3000,
    host: v.HOST ?? '0.0.0.0',
    dataDir: path.resolve(v.DATA_DIR ?? 'data'),
    database: {
      url: v.DATABASE_URL,
      poolSize: v.DATABASE_POOL_SIZE ?? 10,
      statementTimeoutMs: v.DATABASE_STATEMENT_TIMEOUT_MS ?? 30_000,
      connectTimeoutMs: v.DATABASE_CONNECT_TIMEOUT_MS ?? 10_000,
      runMigrations: v.MIGRATIONS_RUN ?? true,
      embeddedPort: v.EMBEDDED_DB_PORT ?? 0,
    },
    queue: { redisUrl: v.REDIS_URL, prefix: v.QUEUE_PREFIX ?? 'meridian' },
    log: {
      level: v.LOG_LEVEL ?? (nodeEnv === NodeEnv.Test ? 'warn' : 'info'),
      format:
        (v.LOG_FORMAT as 'json' | 'pretty' | undefined) ??
        (nodeEnv === NodeEnv.Development ? 'pretty' : 'json'),
    },
    shutdown: {
      graceMs: v.SHUTDOWN_GRACE_MS ?? (nodeEnv === NodeEnv.Production ? 5_000 : 0),
      timeoutMs: v.SHUTDOWN_TIMEOUT_MS ?? 30_000,
    },
    http: {
      corsOrigins: parseOrigins(v.CORS_ORIGINS),
      bodyLimitBytes: v.BODY_LIMIT_BYTES ?? 1_048_576,
      rateLimit: { max: v.RATE_LIMIT_MAX ?? 600, windowMs: v.RATE_LIMIT_WINDOW_MS ?? 60_000 },
      trustProxy: parseTrustProxy(v.TRUST_PROXY),
      docsEnabled: v.DOCS_ENABLED ?? true,
    },
  };
}
