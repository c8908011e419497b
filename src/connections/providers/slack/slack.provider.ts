import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, LogLevel, WebClient, type WebAPICallError } from '@slack/web-api';
import type { ConnectionsConfig } from '../../connections.config.js';
import { CONNECTIONS_CONFIG } from '../../connections.tokens.js';
import { ConnectionService, type HealthResult } from '../../entities/service-connection.entity.js';
import { CredentialKind } from '../../entities/service-credential.entity.js';
import {
  failureResult,
  ProviderError,
  resultOf,
  type ConnectionProvider,
  type CredentialHandle,
  type CredentialInput,
  type ProviderConnection,
  type SecretUpdate,
  type UpstreamRepository,
  type ValidatedCredential,
} from '../provider.js';

/** Slack errors that mean the token will never work again. */
const REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'team_access_not_granted',
  'invalid_refresh_token',
  'invalid_code',
  'bad_redirect_uri',
  'invalid_client_id',
  'bad_client_secret',
]);

const QUIET_LOGGER = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

export function slackFailure(err: unknown, what: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as Partial<WebAPICallError> & {
    data?: { error?: string };
    statusCode?: number;
    retryAfter?: number;
  };
  switch (e?.code) {
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      if (REFUSED.has(code)) {
        return new ProviderError(
          'refused',
          `SLACK_${code.toUpperCase()}`,
          `Slack refused ${what} (${code}).`,
        );
      }
      return new ProviderError(
        'unavailable',
        `SLACK_${code.toUpperCase()}`,
        `Slack could not complete ${what} (${code}).`,
      );
    }
    case ErrorCode.RateLimitedError:
      return new ProviderError(
        'unavailable',
        'SLACK_RATE_LIMITED',
        `Slack's rate limit was met (${what}).`,
        e.retryAfter,
      );
    case ErrorCode.HTTPError:
      if (e.statusCode === 401 || e.statusCode === 403 || e.statusCode === 404) {
        return new ProviderError(
          'refused',
          `SLACK_HTTP_${e.statusCode}`,
          `Slack refused ${what} (HTTP ${e.statusCode}).`,
        );
      }
      return new ProviderError(
        'unavailable',
        'SLACK_UNAVAILABLE',
        `Slack answered HTTP ${e.statusCode ?? '?'} (${what}).`,
      );
    default:
      return new ProviderError(
        'unavailable',
        'SLACK_UNREACHABLE',
        `Slack could not be reached (${what}).`,
      );
  }
}

/** A rotating token is refreshed when less than min(5 minutes, half its lifetime) remains. */
export function needsRefresh(
  credential: Pick<CredentialHandle, 'expiresAt' | 'issuedAt' | 'refreshToken'>,
  now = Date.now(),
): boolean {
  if (!credential.refreshToken || !credential.expiresAt) return false;
  const lifetime = credential.issuedAt
    ? credential.expiresAt.getTime() - credential.issuedAt.getTime()
    : Infinity;
  const margin = Math.min(5 * 60 * 1000, lifetime / 2);
  return credential.expiresAt.getTime() - now < margin;
}

export interface SlackOAuthResult {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
  teamId: string;
  teamName: string | null;
  botUserId: string | null;
  scope: string | null;
}

/** Slack: a bot token, checked with auth.test; OAuth v2 installs with optional token rotation. */
@Injectable()
export class SlackProvider implements ConnectionProvider {
  readonly service = ConnectionService.Slack;
  readonly kinds = [CredentialKind.SlackBotToken, CredentialKind.SlackOAuth] as const;
  readonly hasRepositories = false;

  constructor(@Inject(CONNECTIONS_CONFIG) private readonly config: ConnectionsConfig) {}

  client(token?: string): WebClient {
    return new WebClient(token, {
      slackApiUrl: this.config.slack.apiUrl,
      timeout: this.config.requestTimeoutMs,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: QUIET_LOGGER,
    });
  }

  async validate(input: CredentialInput): Promise<ValidatedCredential> {
    if (input.kind !== CredentialKind.SlackBotToken && input.kind !== CredentialKind.SlackOAuth) {
      throw new Error(`Slack does not take ${input.kind}`);
    }
    const started = performance.now();
    try {
      const res = await this.client(input.token).auth.test();
      const teamId = res.team_id ?? null;
      return {
        kind: input.kind,
        secret: input.token,
        expiresAt: input.kind === CredentialKind.SlackOAuth ? (input.expiresAt ?? null) : null,
        refreshToken:
          input.kind === CredentialKind.SlackOAuth ? (input.refreshToken ?? null) : null,
        externalId: teamId,
        settings: {
          teamId,
          team: res.team ?? null,
          url: res.url ?? null,
          botUserId: res.user_id ?? null,
          botId: res.bot_id ?? null,
        },
        health: resultOf(
          started,
          'pass',
          null,
          `auth.test passed for ${res.team ?? 'the workspace'}.`,
        ),
      };
    } catch (err) {
      throw slackFailure(err, 'the token');
    }
  }

  /** oauth.v2.access: a code (install) or a refresh token (rotation) for tokens. */
  async oauthAccess(
    grant: { code: string; redirectUri: string } | { refreshToken: string },
  ): Promise<SlackOAuthResult> {
    const { clientId, clientSecret } = this.config.slack;
    if (!clientId || !clientSecret) {
      throw new ProviderError(
        'unavailable',
        'SLACK_OAUTH_NOT_CONFIGURED',
        'Slack OAuth is not configured.',
      );
    }
    try {
      const res = await this.client().oauth.v2.access({
        client_id: clientId,
        client_secret: clientSecret,
        ...('code' in grant
          ? { code: grant.code, redirect_uri: grant.redirectUri }
          : { grant_type: 'refresh_token', refresh_token: grant.refreshToken }),
      });
      if (!res.access_token || !res.team?.id) {
        throw new ProviderError(
          'unavailable',
          'SLACK_BAD_RESPONSE',
          'Slack answered oauth.v2.access without a token or team.',
        );
      }
      return {
        accessToken: res.access_token,
        refreshToken: res.refresh_token ?? null,
        expiresAt:
          typeof res.expires_in === 'number' ? new Date(Date.now() + res.expires_in * 1000) : null,
        teamId: res.team.id,
        teamName: res.team.name ?? null,
        botUserId: res.bot_user_id ?? null,
        scope: res.scope ?? null,
      };
    } catch (err) {
      throw slackFailure(err, 'the OAuth exchange');
    }
  }

  /** The token to use now: refreshed first (one replica at a time) when rotation says so. */
  private async token(credential: CredentialHandle): Promise<string> {
    if (needsRefresh(credential)) {
      await credential.renewLocked(
        (current) => needsRefresh(current),
        async (refreshToken): Promise<SecretUpdate> => {
          const renewed = await this.oauthAccess({ refreshToken });
          return {
            secret: renewed.accessToken,
            expiresAt: renewed.expiresAt,
            refreshToken: renewed.refreshToken,
          };
        },
      );
    }
    if (!credential.secret)
      throw new ProviderError('refused', 'SLACK_TOKEN_MISSING', 'The connection has no token.');
    return credential.secret;
  }

  async check(
    _connection: ProviderConnection,
    credential: CredentialHandle,
  ): Promise<HealthResult> {
    const started = performance.now();
    try {
      const res = await this.client(await this.token(credential)).auth.test();
      return resultOf(
        started,
        'pass',
        null,
        `auth.test passed for ${res.team ?? 'the workspace'}.`,
      );
    } catch (err) {
      return failureResult(started, slackFailure(err, 'auth.test'));
    }
  }

  listRepositories(): Promise<UpstreamRepository[]> {
    return Promise.resolve([]);
  }

  async revoke(_connection: ProviderConnection, credential: CredentialHandle): Promise<void> {
    if (!credential.secret) return;
    await this.client(credential.secret).auth.revoke();
  }
}
