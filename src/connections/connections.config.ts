import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const URL_RULE = /^https?:\/\/[^\s/]+(\/[^\s]*)?$/;

/** The environment variables of service connections, with their rules. */
class ConnectionsVariables {
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(URL_RULE, { message: 'must be an http(s) URL' })
  GITHUB_API_URL?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(URL_RULE, { message: 'must be an http(s) URL' })
  GITHUB_WEB_URL?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^\d{1,12}$/, { message: 'must be the numeric App id' })
  GITHUB_APP_ID?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z0-9][a-z0-9-]{0,99}$/i, { message: 'must be the App slug' })
  GITHUB_APP_SLUG?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() GITHUB_APP_PRIVATE_KEY?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() GITHUB_WEBHOOK_SECRET?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(URL_RULE, { message: 'must be an http(s) URL' })
  SLACK_API_URL?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(URL_RULE, { message: 'must be an http(s) URL' })
  SLACK_WEB_URL?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^\S{1,100}$/, { message: 'must be the Slack client id' })
  SLACK_CLIENT_ID?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() SLACK_CLIENT_SECRET?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() SLACK_SIGNING_SECRET?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z0-9:._,-]{1,1000}$/i, { message: 'must be comma-separated Slack scopes' })
  SLACK_SCOPES?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) CONNECTION_FAILURE_THRESHOLD?: number;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  CONNECTION_HEALTH_INTERVAL_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) CONNECTION_HEALTH_HISTORY?: number;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  CONNECTION_HEALTH_REFRESH_MIN_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) CONNECTION_HEALTH_CONCURRENCY?: number;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  CONNECTION_HEALTH_JITTER_MS?: number;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  CONNECTION_REQUEST_TIMEOUT_MS?: number;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86_400)
  CONNECTION_INSTALL_STATE_TTL_SECONDS?: number;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(104_857_600)
  WEBHOOK_BODY_LIMIT_BYTES?: number;
}

const NAMES: (keyof ConnectionsVariables)[] = [
  'GITHUB_API_URL',
  'GITHUB_WEB_URL',
  'GITHUB_APP_ID',
  'GITHUB_APP_SLUG',
  'GITHUB_APP_PRIVATE_KEY',
  'GITHUB_WEBHOOK_SECRET',
  'SLACK_API_URL',
  'SLACK_WEB_URL',
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_SIGNING_SECRET',
  'SLACK_SCOPES',
  'CONNECTION_FAILURE_THRESHOLD',
  'CONNECTION_HEALTH_INTERVAL_MS',
  'CONNECTION_HEALTH_HISTORY',
  'CONNECTION_HEALTH_REFRESH_MIN_MS',
  'CONNECTION_HEALTH_CONCURRENCY',
  'CONNECTION_HEALTH_JITTER_MS',
  'CONNECTION_REQUEST_TIMEOUT_MS',
  'CONNECTION_INSTALL_STATE_TTL_SECONDS',
  'WEBHOOK_BODY_LIMIT_BYTES',
];

/** Variables whose values never appear in a message. */
const SECRETS = new Set([
  'GITHUB_APP_PRIVATE_KEY',
  'GITHUB_WEBHOOK_SECRET',
  'SLACK_CLIENT_SECRET',
  'SLACK_SIGNING_SECRET',
]);

export interface GitHubAppSettings {
  appId: string;
  /** PEM (PKCS#1 or PKCS#8). */
  privateKey: string;
}

export interface ConnectionsConfig {
  github: {
    apiUrl: string;
    webUrl: string;
    /** Unset = the App flows answer 503 GITHUB_APP_NOT_CONFIGURED. */
    app?: GitHubAppSettings;
    appSlug?: string;
    webhookSecret?: string;
  };
  slack: {
    apiUrl: string;
    webUrl: string;
    clientId?: string;
    clientSecret?: string;
    signingSecret?: string;
    scopes: string;
  };
  failureThreshold: number;
  healthIntervalMs: number;
  healthHistory: number;
  healthRefreshMinMs: number;
  healthConcurrency: number;
  healthJitterMs: number;
  requestTimeoutMs: number;
  installStateTtlSeconds: number;
  webhookBodyLimitBytes: number;
}

/** An error of the connections settings; loadConfig turns it into its ConfigError. */
export class ConnectionsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** GITHUB_APP_PRIVATE_KEY holds the PEM itself (`\n` escapes allowed) or a path to it. */
function readPrivateKey(value: string): string {
  let pem = value.includes('-----BEGIN') ? value.replace(/\\n/g, '\n') : undefined;
  if (pem === undefined) {
    try {
      pem = readFileSync(value, 'utf8');
    } catch {
      throw new ConnectionsConfigError([
        'GITHUB_APP_PRIVATE_KEY: is neither a PEM private key nor a readable file path',
      ]);
    }
  }
  try {
    createPrivateKey(pem);
  } catch {
    throw new ConnectionsConfigError(['GITHUB_APP_PRIVATE_KEY: is not a valid PEM private key']);
  }
  return pem;
}

/**
 * Reads and validates the connections settings from the environment loadConfig was given
 * (this file never touches process.env itself).
 */
export function loadConnectionsConfig(env: Record<string, string | undefined>): ConnectionsConfig {
  const plain: Record<string, string> = {};
  for (const name of NAMES) {
    const value = env[name];
    if (value !== undefined) plain[name] = value;
  }
  const v = plainToInstance(ConnectionsVariables, plain);
  const errors = validateSync(v, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConnectionsConfigError(
      errors.flatMap((e) =>
        Object.values(e.constraints ?? {}).map(
          (m) =>
            `${e.property}=${SECRETS.has(e.property) ? '(hidden)' : JSON.stringify(e.value)}: ${m.replace(`${e.property} `, '')}`,
        ),
      ),
    );
  }
  if ((v.GITHUB_APP_ID === undefined) !== (v.GITHUB_APP_PRIVATE_KEY === undefined)) {
    throw new ConnectionsConfigError([
      'GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY: set both (the GitHub App) or neither',
    ]);
  }
  const app =
    v.GITHUB_APP_ID && v.GITHUB_APP_PRIVATE_KEY
      ? { appId: v.GITHUB_APP_ID, privateKey: readPrivateKey(v.GITHUB_APP_PRIVATE_KEY) }
      : undefined;
  return {
    github: {
      apiUrl: trimSlash(v.GITHUB_API_URL ?? 'https://api.github.com'),
      webUrl: trimSlash(v.GITHUB_WEB_URL ?? 'https://github.com'),
      app,
      appSlug: v.GITHUB_APP_SLUG,
      webhookSecret: v.GITHUB_WEBHOOK_SECRET,
    },
    slack: {
      // @slack/web-api joins method names onto this URL: it must end with a slash
      apiUrl: `${trimSlash(v.SLACK_API_URL ?? 'https://slack.com/api')}/`,
      webUrl: trimSlash(v.SLACK_WEB_URL ?? 'https://slack.com'),
      clientId: v.SLACK_CLIENT_ID,
      clientSecret: v.SLACK_CLIENT_SECRET,
      signingSecret: v.SLACK_SIGNING_SECRET,
      scopes: v.SLACK_SCOPES ?? 'chat:write,channels:read',
    },
    failureThreshold: v.CONNECTION_FAILURE_THRESHOLD ?? 3,
    healthIntervalMs: v.CONNECTION_HEALTH_INTERVAL_MS ?? 300_000,
    healthHistory: v.CONNECTION_HEALTH_HISTORY ?? 20,
    healthRefreshMinMs: v.CONNECTION_HEALTH_REFRESH_MIN_MS ?? 10_000,
    healthConcurrency: v.CONNECTION_HEALTH_CONCURRENCY ?? 10,
    healthJitterMs: v.CONNECTION_HEALTH_JITTER_MS ?? 1_000,
    requestTimeoutMs: v.CONNECTION_REQUEST_TIMEOUT_MS ?? 10_000,
    installStateTtlSeconds: v.CONNECTION_INSTALL_STATE_TTL_SECONDS ?? 600,
    webhookBodyLimitBytes: v.WEBHOOK_BODY_LIMIT_BYTES ?? 26_214_400,
  };
}
