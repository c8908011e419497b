/**
 * Actions recorded in the audit log. Features add theirs here (`<feature>.<verb>`), so
 * the list a reader filters by is in one place.
 */
export enum AuditAction {
  SignIn = 'auth.sign-in',
  SignInFailed = 'auth.sign-in-failed',
  Lockout = 'auth.lockout',
  PasswordChanged = 'auth.password-changed',
  PasswordReset = 'auth.password-reset',
  RefreshTokenReplayed = 'auth.refresh-token-replayed',
  AccountDeleted = 'auth.account-deleted',
  OrganizationMemberAdded = 'organization.member-added',
  OrganizationMemberRoleChanged = 'organization.member-role-changed',
  OrganizationMemberRemoved = 'organization.member-removed',
  UserRoleGranted = 'admin.user-role-granted',
  UserRoleRevoked = 'admin.user-role-revoked',
  UserDisabled = 'admin.user-disabled',
  UserEnabled = 'admin.user-enabled',
  UserSignedOut = 'admin.user-signed-out',
  UserPasswordResetSent = 'admin.user-password-reset-sent',
  UserVerificationResent = 'admin.user-verification-resent',
  UserDeleted = 'admin.user-deleted',
  FailedJobRetried = 'admin.failed-job-retried',
  FailedJobRemoved = 'admin.failed-job-removed',
  QueuesSessionOpened = 'admin.queues-session-opened',
  AuditExported = 'admin.audit-exported',
  RepositoryRegistered = 'analysis.repository-registered',
  RepositoryDeleted = 'analysis.repository-deleted',
}

export const AUDIT_ACTIONS: string[] = Object.values(AuditAction);

/** What an entry is about. */
export enum AuditTargetType {
  User = 'user',
  Organization = 'organization',
  Session = 'session',
  Job = 'job',
  Audit = 'audit',
  Repository = 'repository',
}
