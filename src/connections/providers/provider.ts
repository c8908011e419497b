import { AppException } from '../../core/errors/app.exception.js';
import { ConnectionErrorCode } from '../connections.errors.js';
import type { CredentialKind } from '../entities/service-credential.entity.js';
import type { ConnectionService, HealthResult } from '../entities/service-connection.entity.js';

/** A credential as a caller gives it (POST /connections, PUT .../credentials). */
export type CredentialInput =
  | { kind: CredentialKind.GitHubToken; token: string }
  | { kind: CredentialKind.GitHubAppInstallation; installationId: number }
  | { kind: CredentialKind.SlackBotToken; token: string }
  | {
      kind: CredentialKind.SlackOAuth;
      token: string;
      refreshToken?: string;
      expiresAt?: Date;
    };

/** What a provider learnt by checking a credential with its service. */
export interface ValidatedCredential {
  kind: CredentialKind;
  /** The secret to store (a token; for an App installation its fresh installation token). */
  secret: string | null;
  expiresAt: Date | null;
  refreshToken: string | null;
  /** Installation id or Slack team id; null for a GitHub token. */
  externalId: string | null;
  /** Non-secret facts about the account (login, scopes, team name). */
  settings: Record<string, unknown>;
  /** The check the validation amounted to, recorded as the first health result. */
  health: HealthResult;
}

/** The stored credential as a provider may use it: the secret decrypted, and a way to update it. */
export interface CredentialHandle {
  kind: CredentialKind;
  secret: string | null;
  expiresAt: Date | null;
  refreshToken: string | null;
  /** When the secret was stored (its lifetime starts then). */
  issuedAt: Date | null;
  /** Stores a new secret (a minted installation token, a refreshed Slack token). */
  save(update: SecretUpdate): Promise<void>;
  /**
   * Under the credential's row lock (one replica at a time): re-reads it, and when
   * `stale` says so, calls `renew` with the current refresh token once and stores what it
   * gives, so each refresh token is used once. Updates this handle either way.
   */
  renewLocked(
    stale: (current: CredentialHandle) => boolean,
    renew: (refreshToken: string) => Promise<SecretUpdate>,
  ): Promise<void>;
}

export interface SecretUpdate {
  secret: string;
  expiresAt: Date | null;
  refreshToken?: string | null;
}

/** What a provider needs to know about a connection. */
export interface ProviderConnection {
  id: string;
  externalId: string | null;
  settings: Record<string, unknown>;
}

/** A repository as a service lists it. */
export interface UpstreamRepository {
  externalId: string;
  fullName: string;
  defaultBranch: string | null;
  private: boolean;
  htmlUrl: string | null;
  cloneUrl: string | null;
  archived: boolean;
}

/**
 * Calls made while a caller waits (`interactive`) give up on a rate limit at once (503
 * GITHUB_RATE_LIMITED); background jobs wait out a secondary limit's Retry-After, bounded.
 */
export type CallMode = 'interactive' | 'background';

/** One outside service. Adding a service is one folder with one of these. */
export interface ConnectionProvider {
  readonly service: ConnectionService;
  /** The credential kinds a caller may give for this service. */
  readonly kinds: readonly CredentialKind[];
  readonly hasRepositories: boolean;
  /** Checks a credential with the service; throws ProviderError when it is refused or unreachable. */
  validate(input: CredentialInput, mode: CallMode): Promise<ValidatedCredential>;
  /** One health check; never throws for the service's answers (they are the result). */
  check(connection: ProviderConnection, credential: CredentialHandle): Promise<HealthResult>;
  /** Every repository the connection reaches (throws ProviderError). */
  listRepositories(
    connection: ProviderConnection,
    credential: CredentialHandle,
    mode: CallMode,
  ): Promise<UpstreamRepository[]>;
  /** Revokes what can be revoked upstream; failures are swallowed by the caller. */
  revoke(connection: ProviderConnection, credential: CredentialHandle): Promise<void>;
}

export type ProviderFailure = 'refused' | 'unavailable' | 'rate_limited';

/** A service's answer that stops an operation: refused (401/403/404), unreachable, rate limited. */
export class ProviderError extends Error {
  constructor(
    readonly failure: ProviderFailure,
    /** A machine code (`GITHUB_TOKEN_INVALID`, `SLACK_INVALID_AUTH`, `GITHUB_UNAVAILABLE`). */
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  /** The problem a caller gets: 422 refused, 503 unavailable or rate limited. */
  toException(): AppException {
    switch (this.failure) {
      case 'refused':
        return new AppException(422, ConnectionErrorCode.CredentialRejected, this.message, {
          extensions: { upstreamCode: this.code },
        });
      case 'rate_limited':
        return new AppException(503, ConnectionErrorCode.GitHubRateLimited, this.message, {
          headers: { 'retry-after': String(Math.max(1, this.retryAfterSeconds ?? 60)) },
        });
      case 'unavailable':
        return new AppException(503, ConnectionErrorCode.ServiceUnavailable, this.message, {
          headers: { 'retry-after': '30' },
          extensions: { upstreamCode: this.code },
        });
    }
  }
}

/** A health result built from a ProviderError (or a pass). */
export function resultOf(
  startedAt: number,
  outcome: HealthResult['outcome'],
  code: string | null,
  detail: string,
  rateLimit: HealthResult['rateLimit'] = null,
): HealthResult {
  return {
    outcome,
    code,
    latencyMs: Math.max(0, Math.round(performance.now() - startedAt)),
    detail,
    rateLimit,
    checkedAt: new Date().toISOString(),
  };
}

export function failureResult(startedAt: number, err: unknown): HealthResult {
  if (err instanceof ProviderError) {
    return resultOf(
      startedAt,
      err.failure === 'refused' ? 'refused' : 'fail',
      err.code,
      err.message,
    );
  }
  return resultOf(startedAt, 'fail', 'CHECK_FAILED', 'The check could not be completed.');
}
