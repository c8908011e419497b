import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { ConnectionsConfig } from '../../connections.config.js';
import { ProviderError, type CallMode } from '../provider.js';

/**
 * @octokit/core with pagination, throttling and retries. Not @octokit/rest: its generated
 * endpoint methods are built per instance, and an instance is made per operation here.
 */
const ThrottledOctokit = Octokit.plugin(paginateRest, throttling, retry);
type GitHubOctokit = InstanceType<typeof ThrottledOctokit>;

/** The longest Retry-After a background job waits out before giving up on a call. */
export const MAX_BACKGROUND_RETRY_AFTER_SECONDS = 60;

/** Silent: Octokit's own logging would print request details we do not want in logs. */
const QUIET = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface GitHubCall {
  octokit: GitHubOctokit;
  /** Set when a rate limit stopped the call: the seconds GitHub asked to wait. */
  rateLimitedFor(): number | undefined;
}

/**
 * An Octokit for one operation of one connection: base URL from configuration, a timeout
 * over the whole operation, throttling keyed by the connection (so one installation's
 * limits do not slow another's) and retries of 5xx in the background only. Interactive
 * calls give up at once on a rate limit; background calls wait out a secondary limit's
 * Retry-After up to MAX_BACKGROUND_RETRY_AFTER_SECONDS, once.
 */
export function githubCall(
  config: ConnectionsConfig,
  throttleId: string,
  mode: CallMode,
  token?: string,
): GitHubCall {
  let limitedFor: number | undefined;
  const onLimit = (
    retryAfter: number,
    _options: unknown,
    _octokit: unknown,
    retryCount: number,
  ) => {
    if (
      mode === 'background' &&
      retryCount < 1 &&
      retryAfter <= MAX_BACKGROUND_RETRY_AFTER_SECONDS
    ) {
      return true;
    }
    limitedFor = retryAfter;
    return false;
  };
  const octokit = new ThrottledOctokit({
    auth: token,
    baseUrl: config.github.apiUrl,
    userAgent: 'meridian',
    log: QUIET,
    request: {
      signal: AbortSignal.timeout(config.requestTimeoutMs),
      retries: mode === 'background' ? 1 : 0,
    },
    retry: { retryAfterBaseValue: 250 },
    throttle: { id: throttleId, onRateLimit: onLimit, onSecondaryRateLimit: onLimit },
  });
  return { octokit, rateLimitedFor: () => limitedFor };
}

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** Maps an Octokit error to refused (401/403/404/422), rate limited, or unavailable. */
export function githubFailure(
  err: unknown,
  call: GitHubCall | undefined,
  what: string,
): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = (err ?? {}) as RequestErrorLike;
  const status = typeof e.status === 'number' ? e.status : 0;
  const headers = e.response?.headers ?? {};
  const limited = call?.rateLimitedFor();
  if (
    limited !== undefined ||
    status === 429 ||
    (status === 403 &&
      (headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0'))
  ) {
    const after = limited ?? (Number(headers['retry-after']) || 60);
    return new ProviderError(
      'rate_limited',
      'GITHUB_RATE_LIMITED',
      `GitHub's rate limit was met (${what}); retry after ${after} s.`,
      after,
    );
  }
  if (status === 401 || status === 403 || status === 404 || status === 422) {
    return new ProviderError(
      'refused',
      `GITHUB_${status}`,
      `GitHub refused ${what} (HTTP ${status}).`,
    );
  }
  if (status >= 500 && status < 600 && e.response) {
    return new ProviderError(
      'unavailable',
      'GITHUB_UNAVAILABLE',
      `GitHub answered HTTP ${status} (${what}).`,
    );
  }
  return new ProviderError(
    'unavailable',
    'GITHUB_UNREACHABLE',
    `GitHub could not be reached (${what}).`,
  );
}

export interface InstallationToken {
  token: string;
  expiresAt: Date;
}

/**
 * Mints an installation token: an App JWT (RS256, iss = the App id) exchanged at
 * POST /app/installations/{id}/access_tokens, with the configured base URL and timeout.
 */
export async function mintInstallationToken(
  config: ConnectionsConfig,
  installationId: number,
): Promise<InstallationToken> {
  const app = config.github.app;
  if (!app)
    throw new ProviderError(
      'unavailable',
      'GITHUB_APP_NOT_CONFIGURED',
      'The GitHub App is not configured.',
    );
  const plain = new Octokit({
    baseUrl: config.github.apiUrl,
    userAgent: 'meridian',
    log: QUIET,
    request: { signal: AbortSignal.timeout(config.requestTimeoutMs) },
  });
  const auth = createAppAuth({
    appId: app.appId,
    privateKey: app.privateKey,
    request: plain.request,
    log: QUIET,
  });
  try {
    const result = await auth({ type: 'installation', installationId, refresh: true });
    return { token: result.token, expiresAt: new Date(result.expiresAt) };
  } catch (err) {
    throw githubFailure(err, undefined, `installation ${installationId}`);
  }
}

/** The x-ratelimit-* budget of a response. */
export function rateLimitOf(
  headers: Record<string, string | number | undefined>,
): { limit: number; remaining: number; resetAt: string | null } | null {
  const limit = Number(headers['x-ratelimit-limit']);
  const remaining = Number(headers['x-ratelimit-remaining']);
  if (
    !Number.isFinite(limit) ||
    !Number.isFinite(remaining) ||
    headers['x-ratelimit-limit'] === undefined
  ) {
    return null;
  }
  const reset = Number(headers['x-ratelimit-reset']);
  return {
    limit,
    remaining,
    resetAt: Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : null,
  };
}
