import { AppException } from '../core/errors/app.exception.js';
import type { ConnectionStatus } from './entities/service-connection.entity.js';

/** Codes of the connections feature's problem responses. */
export enum ConnectionErrorCode {
  /** 404: no such connection, or the caller is not a member of its organization. */
  NotFound = 'CONNECTION_NOT_FOUND',
  /** 409: that status cannot be set by hand from the current one (`allowed` lists what can). */
  TransitionNotAllowed = 'CONNECTION_TRANSITION_NOT_ALLOWED',
  /** 409: the organization already has a connection to this installation or workspace. */
  AlreadyExists = 'CONNECTION_ALREADY_EXISTS',
  /** 409: the connection is disabled or revoked, so it is not used. */
  NotUsable = 'CONNECTION_NOT_USABLE',
  /** 409: this service has no repositories. */
  NoRepositories = 'REPOSITORIES_NOT_SUPPORTED',
  /** 400: the credential kind does not belong to the service. */
  KindMismatch = 'CREDENTIAL_KIND_MISMATCH',
  /** 422: the service refused the credential (invalid, revoked, no such installation). */
  CredentialRejected = 'CREDENTIAL_REJECTED',
  /** 422: re-enabling ran a check and it failed; the connection stays disabled. */
  CheckFailed = 'CONNECTION_CHECK_FAILED',
  /** 503: the service answered 5xx, timed out or refused the connection. */
  ServiceUnavailable = 'SERVICE_UNAVAILABLE_UPSTREAM',
  /** 503: GitHub's rate limit was met (Retry-After says when to try again). */
  GitHubRateLimited = 'GITHUB_RATE_LIMITED',
  /** 503: the GitHub App is not configured (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_SLUG). */
  GitHubAppNotConfigured = 'GITHUB_APP_NOT_CONFIGURED',
  /** 503: Slack OAuth is not configured (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET). */
  SlackOAuthNotConfigured = 'SLACK_OAUTH_NOT_CONFIGURED',
  /** 429: a check was run for this connection less than CONNECTION_HEALTH_REFRESH_MIN_MS ago. */
  RefreshTooSoon = 'HEALTH_REFRESH_TOO_SOON',
  /** 400: the install `state` is forged, expired, for another service, or used already. */
  InstallStateInvalid = 'INSTALL_STATE_INVALID',
  /** 404: `setup_action=update` without a state for an installation no organization linked. */
  InstallationNotLinked = 'INSTALLATION_NOT_LINKED',
  /** 401: the webhook has no signature, a bad one, or (Slack) a stale timestamp. */
  WebhookSignatureInvalid = 'WEBHOOK_SIGNATURE_INVALID',
  /** 400: a verified webhook body that is not a JSON object, or lacks its delivery id. */
  WebhookPayloadInvalid = 'WEBHOOK_PAYLOAD_INVALID',
  /** 503: the webhook secret of this service is not configured. */
  WebhooksNotConfigured = 'WEBHOOKS_NOT_CONFIGURED',
}

export const connectionNotFound = (): AppException =>
  new AppException(404, ConnectionErrorCode.NotFound, 'No connection with this id.');

export const transitionNotAllowed = (
  from: ConnectionStatus,
  to: string,
  allowed: string[],
): AppException =>
  new AppException(
    409,
    ConnectionErrorCode.TransitionNotAllowed,
    `A ${from} connection cannot be set to ${to} by hand; allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'}.`,
    { extensions: { allowed } },
  );

export const connectionNotUsable = (status: ConnectionStatus): AppException =>
  new AppException(
    409,
    ConnectionErrorCode.NotUsable,
    `The connection is ${status}; enable it or give it new credentials first.`,
  );

export const kindMismatch = (service: string, kind: string, allowed: string[]): AppException =>
  new AppException(
    400,
    ConnectionErrorCode.KindMismatch,
    `A ${service} connection takes credentials of kind ${allowed.join(' or ')}, not ${kind}.`,
    {
      title: 'Validation failed',
      errors: [
        {
          field: 'credentials.kind',
          rule: 'kindForService',
          message: `credentials.kind must be ${allowed.join(' or ')} for ${service}`,
        },
      ],
    },
  );

export const githubAppNotConfigured = (): AppException =>
  new AppException(
    503,
    ConnectionErrorCode.GitHubAppNotConfigured,
    'The GitHub App is not configured on this server (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_SLUG).',
  );

export const slackOAuthNotConfigured = (): AppException =>
  new AppException(
    503,
    ConnectionErrorCode.SlackOAuthNotConfigured,
    'Slack OAuth is not configured on this server (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET).',
  );

export const installStateInvalid = (why: string): AppException =>
  new AppException(400, ConnectionErrorCode.InstallStateInvalid, `The install state ${why}.`);

export const webhookSignatureInvalid = (why: string): AppException =>
  new AppException(401, ConnectionErrorCode.WebhookSignatureInvalid, why);

export const webhooksNotConfigured = (variable: string): AppException =>
  new AppException(
    503,
    ConnectionErrorCode.WebhooksNotConfigured,
    `Webhooks of this service are not configured on this server (${variable}).`,
  );

export const webhookPayloadInvalid = (why: string): AppException =>
  new AppException(400, ConnectionErrorCode.WebhookPayloadInvalid, why);
