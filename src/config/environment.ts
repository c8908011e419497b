import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
  type ValidationError,
} from 'class-validator';

export enum AppRole {
  Api = 'api',
  Worker = 'worker',
  All = 'all',
}

export enum NodeEnv {
  Development = 'development',
  Production = 'production',
  Test = 'test',
}

export const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

export const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

export const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable Meridian reads, with its rule. The README's configuration
 * table lists the same names and defaults.
 */
export class EnvironmentVariables {
  @IsOptional() @IsEnum(NodeEnv) NODE_ENV?: NodeEnv;
  @IsOptional() @IsEnum(AppRole) APP_ROLE?: AppRole;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @IsString() DATA_DIR?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(500) DATABASE_POOL_SIZE?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) DATABASE_STATEMENT_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) DATABASE_CONNECT_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toBoolean) @IsBoolean() MIGRATIONS_RUN?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) EMBEDDED_DB_PORT?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;
  @IsOptional()
  @Matches(/^[a-z0-9_-]{1,40}$/i, { message: 'must be 1-40 letters, digits, - or _' })
  QUEUE_PREFIX?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;
  @IsOptional() @IsIn(['json', 'pretty']) LOG_FORMAT?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) SHUTDOWN_GRACE_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) SHUTDOWN_TIMEOUT_MS?: number;

  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(104857600) BODY_LIMIT_BYTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) RATE_LIMIT_MAX?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) RATE_LIMIT_WINDOW_MS?: number;
  @IsOptional()
  @Matches(/^(true|false|\d{1,2}|[0-9a-f.:/]+(\s*,\s*[0-9a-f.:/]+)*)$/i, {
    message: 'must be true, false, a hop count or a comma-separated list of addresses/CIDRs',
  })
  TRUST_PROXY?: string;
  @IsOptional() @Transform(toBoolean) @IsBoolean() DOCS_ENABLED?: boolean;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*[^/\s])?$/, {
    message: 'must be an http(s) URL without a trailing slash',
  })
  PUBLIC_URL?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*[^/\s])?$/, {
    message: 'must be an http(s) URL without a trailing slash',
  })
  APP_URL?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(
    /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/_-]{43}=?(\s*,\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/_-]{43}=?)*$/,
    {
      message: 'must be a comma-separated list of id:base64key (32-byte keys), current key first',
    },
  )
  ENCRYPTION_KEYS?: string;

  @IsOptional() @Transform(toBoolean) @IsBoolean() LOCAL_ACCOUNTS?: boolean;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+[^/\s]$/, {
    message: 'must be the issuer URL exactly as in tokens (no trailing slash)',
  })
  OIDC_ISSUER_URL?: string;
  @IsOptional()
  @IsString()
  @Matches(/^\S{1,200}$/, { message: 'must be one audience value' })
  OIDC_AUDIENCE?: string;
  @IsOptional()
  @IsString()
  @Matches(/^\S{1,200}$/, { message: 'must be a client id' })
  OIDC_CLIENT_ID?: string;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  OIDC_JWKS_MIN_REFETCH_MS?: number;
  @IsOptional() @IsString() ROLE_PERMISSIONS?: string;
  @IsOptional() @IsIn(['open', 'waitlist', 'closed']) REGISTRATION_MODE?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'must be an email address' })
  ADMIN_EMAIL?: string;
  @IsOptional() @IsString() ADMIN_PASSWORD?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) @Max(86400) ACCESS_TOKEN_TTL_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(300) REFRESH_TOKEN_TTL_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(300) SESSION_MAX_AGE_SECONDS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^smtps?:\/\/.+/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;
  @IsOptional() @IsString() MAIL_FROM?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) MAIL_PER_RECIPIENT_PER_HOUR?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+[^/\s]$/, {
    message: 'must be an http(s) URL without a trailing slash (e.g. https://api.openai.com/v1)',
  })
  LLM_BASE_URL?: string;
  @IsOptional() @IsString() LLM_API_KEY?: string;
  @IsOptional() @Matches(/^\S{1,200}$/, { message: 'must be a model name' }) LLM_MODEL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) @Max(600_000) LLM_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) @Max(600_000) LLM_IDLE_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(256) @Max(2_000_000) LLM_CONTEXT_TOKENS?: number;
  @IsOptional() @IsString() AGENTS_SEED?: string;
  @IsOptional() @IsString() CHAT_DAILY_LIMITS?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000) CHAT_MAX_STREAMS_PER_USER?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) @Max(300_000) CHAT_HEARTBEAT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) EMPTY_CONVERSATION_TTL_HOURS?: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose value never appears in a message, not even a malformed one. */
const SECRET_VARIABLES = new Set(['ENCRYPTION_KEYS', 'KEYCLOAK_ADMIN_CLIENT_SECRET']);

export function describeErrors(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map(
      (message) =>
        `${e.property}=${SECRET_VARIABLES.has(e.property) ? '(hidden)' : JSON.stringify(e.value)}: ${message.replace(`${e.property} `, '')}`,
    ),
  );
}

/** Validates the raw environment and returns the typed variables, or throws ConfigError. */
export function validateEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  const known = Object.keys(new EnvironmentVariablesKeys());
  const plain: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined) plain[key] = value;
  }
  const parsed = plainToInstance(EnvironmentVariables, plain);
  const errors = validateSync(parsed, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(describeErrors(errors));
  return parsed;
}

/**
 * Validates a feature's own variables (declared in its `<feature>.config.ts` as a class
 * whose properties all start undefined, so the instance names them) and returns them.
 */
export function validateFeatureEnvironment<T extends object>(
  variables: new () => T,
  env: NodeJS.ProcessEnv,
): T {
  const plain: Record<string, string> = {};
  for (const key of Object.keys(new variables())) {
    const value = env[key];
    if (value !== undefined) plain[key] = value;
  }
  const parsed = plainToInstance(variables, plain);
  const errors = validateSync(parsed, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(describeErrors(errors));
  return parsed;
}

/** The names of every variable, so only those are read from the environment. */
class EnvironmentVariablesKeys implements Record<keyof EnvironmentVariables, undefined> {
  NODE_ENV = undefined;
  APP_ROLE = undefined;
  PORT = undefined;
  HOST = undefined;
  DATA_DIR = undefined;
  DATABASE_URL = undefined;
  DATABASE_POOL_SIZE = undefined;
  DATABASE_STATEMENT_TIMEOUT_MS = undefined;
  DATABASE_CONNECT_TIMEOUT_MS = undefined;
  MIGRATIONS_RUN = undefined;
  EMBEDDED_DB_PORT = undefined;
  REDIS_URL = undefined;
  QUEUE_PREFIX = undefined;
  LOG_LEVEL = undefined;
  LOG_FORMAT = undefined;
  SHUTDOWN_GRACE_MS = undefined;
  SHUTDOWN_TIMEOUT_MS = undefined;
  CORS_ORIGINS = undefined;
  BODY_LIMIT_BYTES = undefined;
  RATE_LIMIT_MAX = undefined;
  RATE_LIMIT_WINDOW_MS = undefined;
  TRUST_PROXY = undefined;
  DOCS_ENABLED = undefined;
  PUBLIC_URL = undefined;
  APP_URL = undefined;
  ENCRYPTION_KEYS = undefined;
  LOCAL_ACCOUNTS = undefined;
  OIDC_ISSUER_URL = undefined;
  OIDC_AUDIENCE = undefined;
  OIDC_CLIENT_ID = undefined;
  OIDC_JWKS_MIN_REFETCH_MS = undefined;
  ROLE_PERMISSIONS = undefined;
  REGISTRATION_MODE = undefined;
  ADMIN_EMAIL = undefined;
  ADMIN_PASSWORD = undefined;
  ACCESS_TOKEN_TTL_SECONDS = undefined;
  REFRESH_TOKEN_TTL_SECONDS = undefined;
  SESSION_MAX_AGE_SECONDS = undefined;
  SMTP_URL = undefined;
  MAIL_FROM = undefined;
  MAIL_PER_RECIPIENT_PER_HOUR = undefined;
  LLM_BASE_URL = undefined;
  LLM_API_KEY = undefined;
  LLM_MODEL = undefined;
  LLM_TIMEOUT_MS = undefined;
  LLM_IDLE_TIMEOUT_MS = undefined;
  LLM_CONTEXT_TOKENS = undefined;
  AGENTS_SEED = undefined;
  CHAT_DAILY_LIMITS = undefined;
  CHAT_MAX_STREAMS_PER_USER = undefined;
  CHAT_HEARTBEAT_MS = undefined;
  EMPTY_CONVERSATION_TTL_HOURS = undefined;
}
