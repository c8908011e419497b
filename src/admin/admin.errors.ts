import { AppException } from '../core/errors/app.exception.js';

/** Codes of the admin console's problem responses. */
export enum AdminErrorCode {
  UserNotFound = 'ADMIN_USER_NOT_FOUND',
  SelfAction = 'ADMIN_SELF_ACTION',
  LastAdmin = 'ADMIN_LAST_ADMIN',
  UnknownRole = 'ADMIN_UNKNOWN_ROLE',
  NotLocalAccount = 'ADMIN_NOT_LOCAL_ACCOUNT',
  AlreadyVerified = 'ADMIN_ALREADY_VERIFIED',
  UserDisabled = 'ADMIN_USER_DISABLED',
  ManagedInKeycloak = 'ADMIN_MANAGED_IN_KEYCLOAK',
  KeycloakRefused = 'ADMIN_KEYCLOAK_REFUSED',
  KeycloakUnavailable = 'ADMIN_KEYCLOAK_UNAVAILABLE',
  IntrospectionUnavailable = 'ADMIN_INTROSPECTION_UNAVAILABLE',
  TokenInactive = 'ADMIN_TOKEN_INACTIVE',
  InvalidRange = 'ADMIN_INVALID_RANGE',
  RangeTooLarge = 'ADMIN_RANGE_TOO_LARGE',
  UnsupportedGranularity = 'ADMIN_UNSUPPORTED_GRANULARITY',
  UnknownMetric = 'ADMIN_UNKNOWN_METRIC',
  ServiceNotFound = 'HEALTH_SERVICE_NOT_FOUND',
  QueueNotFound = 'ADMIN_QUEUE_NOT_FOUND',
  JobNotFound = 'ADMIN_JOB_NOT_FOUND',
  JobNotFailed = 'ADMIN_JOB_NOT_FAILED',
  QueuesSessionRequired = 'ADMIN_QUEUES_SESSION_REQUIRED',
}

export const userNotFound = (): AppException =>
  new AppException(404, AdminErrorCode.UserNotFound, 'No user has this id.');

export const selfAction = (what: string): AppException =>
  new AppException(409, AdminErrorCode.SelfAction, `An administrator cannot ${what} themself.`);

export const lastAdmin = (): AppException =>
  new AppException(
    409,
    AdminErrorCode.LastAdmin,
    'This would leave Meridian without an active administrator; make another user an admin first.',
  );

export const invalidRange = (detail: string): AppException =>
  new AppException(400, AdminErrorCode.InvalidRange, detail);
