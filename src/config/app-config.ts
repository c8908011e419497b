import path from 'node:path';
import {
  loadOrchestratorConfig,
  type OrchestratorConfig,
} from '../migration-orchestrator/orchestrator.config.js';
import {
  ConnectionsConfigError,
  loadConnectionsConfig,
  type ConnectionsConfig,
} from '../connections/connections.config.js';
import { loadAnalysisConfig, type AnalysisConfig } from '../analysis/analysis.config.js';
import { loadAdminConfig, type AdminConfig } from '../admin/admin.config.js';
import { loadAuditConfig, type AuditConfig } from '../audit/audit.config.js';
import { loadHealthConfig, type HealthConfig } from '../health/health.config.js';
import { KEY_BYTES, KEY_GENERATION_HINT, weakKeyReason } from '../core/crypto/key-ring.js';
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

export type RegistrationMode = 'open' | 'waitlist' | 'closed';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface AuthConfig {
  /** Built-in issuer and local accounts (LOCAL_ACCOUNTS). */
  localAccounts: boolean;
  /** Issuer of Meridian's own tokens: PUBLIC_URL. */
  localIssuer: string;
  /** Keycloak (or any OIDC provider) issuer; unset = built-in issuer only. */
  oidcIssuer?: string;
  /** The API audience every access token must carry. */
  audience: string;
  /** JWKS refetches on unknown kids: one is earned back per this many ms (burst of 3). */
  jwksMinRefetchMs: number;
  /** Client whose resource_access roles count (Keycloak). */
  clientId: string;
  rolePermissions: Record<string, string[]>;
  registrationMode: RegistrationMode;
  adminEmail?: string;
  adminPassword?: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionMaxAgeSeconds: number;
}

export interface MailConfig {
  smtpUrl?: string;
  from: string;
  perRecipientPerHour: number;
}

export const DEFAULT_ROLE_PERMISSIONS: Record<string, string[]> = {
  admin: [
    'users:read',
    'users:manage',
    'migrations:read',
    'migrations:execute',
    'migrations:manage',
    'databases:read',
    'databases:manage',
    'infrastructure:admin',
    'agents:manage',
  ],
  'migrations-operator': ['migrations:read', 'migrations:execute', 'databases:read'],
  'migrations-viewer': ['migrations:read', 'databases:read'],
};

/** An agent seeded on first start (AGENTS_SEED); provider 'openai' needs LLM_BASE_URL. */
export interface AgentSeed {
  slug: string;
  name: string;
  description: string;
  provider: 'openai' | 'local';
  model?: string;
  systemPrompt: string;
  temperature?: number;
  maxTokens?: number;
  premium?: boolean;
}

export interface ChatConfig {
  llm?: { baseUrl: string; apiKey?: string; model: string };
  timeoutMs: number;
  idleTimeoutMs: number;
  contextTokens: number;
  agentsSeed: AgentSeed[];
  /** Messages per user per day by role; the most generous of the caller's roles applies. */
  dailyLimits: Record<string, number>;
  maxStreamsPerUser: number;
  heartbeatMs: number;
  emptyConversationTtlHours: number;
}

const DEFAULT_SEED = (provider: 'openai' | 'local'): AgentSeed[] => [
  {
    slug: 'assistant',
    name: 'Assistant',
    description: 'A general assistant for everyday questions.',
    provider,
    systemPrompt: 'You are Meridian Assistant, a concise and helpful assistant.',
    temperature: 0.7,
    maxTokens: 1024,
    premium: false,
  },
  {
    slug: 'analyst',
    name: 'Analyst',
    description: 'Deeper answers for premium users.',
    provider,
    systemPrompt:
      'You are Meridian Analyst. Reason carefully and explain your answers step by step.',
    temperature: 0.3,
    maxTokens: 2048,
    premium: true,
  },
];

function parseSeed(value: string | undefined, provider: 'openai' | 'local'): AgentSeed[] {
  if (!value) return DEFAULT_SEED(provider);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError(['AGENTS_SEED: must be a JSON array of agents']);
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.every(
      (a: Record<string, unknown>) =>
        a &&
        typeof a === 'object' &&
        typeof a.slug === 'string' &&
        /^[a-z0-9][a-z0-9-]{0,62}$/.test(a.slug) &&
        typeof a.name === 'string' &&
        typeof a.systemPrompt === 'string' &&
        (a.provider === undefined || a.provider === 'openai' || a.provider === 'local'),
    );
  if (!ok)
    throw new ConfigError([
      'AGENTS_SEED: each agent needs slug (a-z0-9-), name, systemPrompt; provider openai|local',
    ]);
  return (parsed as AgentSeed[]).map((a) => ({
    ...a,
    description: a.description ?? '',
    provider: a.provider ?? provider,
  }));
}

function parseLimits(value: string | undefined): Record<string, number> {
  if (!value) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError(['CHAT_DAILY_LIMITS: must be JSON like {"user":50,"premium":500}']);
  }
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((n) => Number.isInteger(n) && (n as number) >= 0)
  ) {
    throw new ConfigError([
      'CHAT_DAILY_LIMITS: must map role names to whole numbers of messages per day',
    ]);
  }
  return parsed as Record<string, number>;
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
  publicUrl: string;
  /** The frontend (APP_URL) that mail links open; unset = Meridian's own account pages. */
  appUrl?: string;
  /** Key ring for secrets at rest, current key first; undefined = use the embedded key file. */
  encryptionKeys?: EncryptionKey[];
  auth: AuthConfig;
  mail: MailConfig;
  chat: ChatConfig;
  /** The migration orchestrator's settings (its own file validates them). */
  orchestrator: OrchestratorConfig;
  /** Service connections (GitHub, Slack): validated by connections/connections.config.ts. */
  connections: ConnectionsConfig;
  /** Repository analysis: validated by analysis/analysis.config.ts. */
  analysis: AnalysisConfig;
  audit: AuditConfig;
  admin: AdminConfig;
  health: HealthConfig;
}

function parseKeys(value: string | undefined, env: NodeEnv): EncryptionKey[] | undefined {
  if (!value) return undefined;
  const keys = value.split(',').map((entry) => {
    const [id, b64] = entry.trim().split(':') as [string, string];
    return {
      id,
      key: Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64'),
    };
  });
  const bad = keys.filter((k) => k.key.length !== KEY_BYTES).map((k) => k.id);
  if (bad.length > 0)
    throw new ConfigError([`ENCRYPTION_KEYS: keys must be 32 bytes (bad: ${bad.join(', ')})`]);
  if (new Set(keys.map((k) => k.id)).size !== keys.length) {
    throw new ConfigError(['ENCRYPTION_KEYS: key ids must be unique']);
  }
  if (env === NodeEnv.Production) {
    // named by id only: the key itself never reaches a message
    const weak = keys.flatMap(({ id, key }) => {
      const reason = weakKeyReason(key);
      return reason ? [`ENCRYPTION_KEYS: key "${id}" is too weak for production: ${reason}`] : [];
    });
    if (weak.length > 0)
      throw new ConfigError([...weak, `ENCRYPTION_KEYS: ${KEY_GENERATION_HINT}`]);
  }
  return keys;
}

function parseRolePermissions(value: string | undefined): Record<string, string[]> {
  if (!value) return DEFAULT_ROLE_PERMISSIONS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError(['ROLE_PERMISSIONS: must be JSON like {"role":["perm:a","perm:b"]}']);
  }
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every(
      (v) =>
        Array.isArray(v) && v.every((p) => typeof p === 'string' && /^[a-z*][\w*:-]*$/.test(p)),
    )
  ) {
    throw new ConfigError([
      'ROLE_PERMISSIONS: must map role names to arrays of permission strings',
    ]);
  }
  return parsed as Record<string, string[]>;
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
  const port = v.PORT ?? 3000;
  const publicUrl = v.PUBLIC_URL ?? `http://localhost:${port}`;
  const localAccounts = v.LOCAL_ACCOUNTS ?? true;
  if (v.OIDC_ISSUER_URL && !v.OIDC_AUDIENCE) {
    throw new ConfigError([
      'OIDC_AUDIENCE: must be set with OIDC_ISSUER_URL (the API audience tokens must carry)',
    ]);
  }
  if (!localAccounts && !v.OIDC_ISSUER_URL) {
    throw new ConfigError([
      'LOCAL_ACCOUNTS=false needs OIDC_ISSUER_URL: otherwise no token could ever be accepted',
    ]);
  }
  if (v.DATABASE_URL && !v.ENCRYPTION_KEYS && nodeEnv === NodeEnv.Production) {
    throw new ConfigError([
      'ENCRYPTION_KEYS: must be set when DATABASE_URL is (secrets at rest); generate one with ' +
        "`node -e \"console.log('k1:'+crypto.randomBytes(32).toString('base64'))\"`",
    ]);
  }
  if (v.ADMIN_PASSWORD !== undefined && !v.ADMIN_EMAIL) {
    throw new ConfigError(['ADMIN_EMAIL: must be set with ADMIN_PASSWORD']);
  }
  let connections: ConnectionsConfig;
  try {
    connections = loadConnectionsConfig(env);
  } catch (err) {
    if (err instanceof ConnectionsConfigError) throw new ConfigError(err.problems);
    throw err;
  }
  return {
    connections,
    analysis: loadAnalysisConfig(env, {
      apiUrl: connections.github.apiUrl,
      webUrl: connections.github.webUrl,
      requestTimeoutMs: connections.requestTimeoutMs,
    }),
    publicUrl,
    appUrl: v.APP_URL,
    encryptionKeys: parseKeys(v.ENCRYPTION_KEYS, nodeEnv),
    auth: {
      localAccounts,
      localIssuer: publicUrl,
      oidcIssuer: v.OIDC_ISSUER_URL,
      audience: v.OIDC_AUDIENCE ?? 'meridian-api',
      jwksMinRefetchMs: v.OIDC_JWKS_MIN_REFETCH_MS ?? 10_000,
      clientId: v.OIDC_CLIENT_ID ?? v.OIDC_AUDIENCE ?? 'meridian-api',
      rolePermissions: parseRolePermissions(v.ROLE_PERMISSIONS),
      registrationMode: (v.REGISTRATION_MODE as RegistrationMode | undefined) ?? 'open',
      adminEmail: v.ADMIN_EMAIL?.toLowerCase(),
      adminPassword: v.ADMIN_PASSWORD,
      accessTokenTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS ?? 900,
      refreshTokenTtlSeconds: v.REFRESH_TOKEN_TTL_SECONDS ?? 14 * 86400,
      sessionMaxAgeSeconds: v.SESSION_MAX_AGE_SECONDS ?? 30 * 86400,
    },
    orchestrator: loadOrchestratorConfig(env),
    chat: {
      llm: v.LLM_BASE_URL
        ? { baseUrl: v.LLM_BASE_URL, apiKey: v.LLM_API_KEY, model: v.LLM_MODEL ?? 'gpt-4o-mini' }
        : undefined,
      timeoutMs: v.LLM_TIMEOUT_MS ?? 120_000,
      idleTimeoutMs: v.LLM_IDLE_TIMEOUT_MS ?? 30_000,
      contextTokens: v.LLM_CONTEXT_TOKENS ?? 8_000,
      agentsSeed: parseSeed(v.AGENTS_SEED, v.LLM_BASE_URL ? 'openai' : 'local'),
      dailyLimits: parseLimits(v.CHAT_DAILY_LIMITS),
      maxStreamsPerUser: v.CHAT_MAX_STREAMS_PER_USER ?? 3,
      heartbeatMs: v.CHAT_HEARTBEAT_MS ?? 15_000,
      emptyConversationTtlHours: v.EMPTY_CONVERSATION_TTL_HOURS ?? 24,
    },
    mail: {
      smtpUrl: v.SMTP_URL,
      from: v.MAIL_FROM ?? 'Meridian <no-reply@meridian.local>',
      perRecipientPerHour: v.MAIL_PER_RECIPIENT_PER_HOUR ?? 10,
    },
    audit: loadAuditConfig(env),
    admin: loadAdminConfig(env, v.OIDC_ISSUER_URL),
    health: loadHealthConfig(env),
    env: nodeEnv,
    role: v.APP_ROLE ?? AppRole.All,
    port,
    // the embedded default bootstraps an administrator: only this machine may reach it
    host: v.HOST ?? (v.DATABASE_URL ? '0.0.0.0' : '127.0.0.1'),
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
