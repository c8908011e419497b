/** The kinds of database the orchestrator migrates, in dependency order. */
export enum DatabaseType {
  Admin = 'admin',
  Shared = 'shared',
  Analytics = 'analytics',
  Tenant = 'tenant',
}
export const DATABASE_TYPES = Object.values(DatabaseType);

export enum TlsMode {
  Disable = 'disable',
  Require = 'require',
  VerifyFull = 'verify-full',
}

/** Which registered targets an execution covers. */
export enum MigrationScope {
  All = 'all',
  Admin = 'admin',
  Regional = 'regional',
  Tenant = 'tenant',
  Single = 'single',
}

export enum ExecutionStatus {
  Pending = 'pending',
  InProgress = 'in_progress',
  Completed = 'completed',
  CompletedWithErrors = 'completed_with_errors',
  Failed = 'failed',
  Cancelled = 'cancelled',
  RolledBack = 'rolled_back',
}
export const FINISHED_EXECUTION: readonly ExecutionStatus[] = [
  ExecutionStatus.Completed,
  ExecutionStatus.CompletedWithErrors,
  ExecutionStatus.Failed,
  ExecutionStatus.Cancelled,
  ExecutionStatus.RolledBack,
];

export enum TargetStatus {
  Pending = 'pending',
  Running = 'running',
  Completed = 'completed',
  Failed = 'failed',
  Skipped = 'skipped',
  Locked = 'locked',
  Unreachable = 'unreachable',
  Blocked = 'blocked',
}
/** Target outcomes that count as failures (onError, canary, progress.failed). */
export const FAILED_TARGET: readonly TargetStatus[] = [
  TargetStatus.Failed,
  TargetStatus.Locked,
  TargetStatus.Unreachable,
  TargetStatus.Blocked,
];
export const FINISHED_TARGET: readonly TargetStatus[] = [
  TargetStatus.Completed,
  TargetStatus.Skipped,
  ...FAILED_TARGET,
];

export enum OnError {
  Stop = 'stop',
  Continue = 'continue',
}

/** What a target of an execution does: apply pending files, or run undo files. */
export enum TargetMode {
  Apply = 'apply',
  Undo = 'undo',
}

/** Kinds of rows in a target's own history table. */
export enum HistoryKind {
  Versioned = 'versioned',
  Repeatable = 'repeatable',
  Undo = 'undo',
  Repair = 'repair',
}

/** The filters of a plan or an execution (all optional; each narrows the scope). */
export interface TargetFilters {
  databaseIds?: string[];
  types?: DatabaseType[];
  regions?: string[];
  tenantIds?: string[];
  tags?: string[];
}

/** One target of a `single` scope: a database, and for a pattern entry, one schema. */
export interface SingleTarget {
  databaseId: string;
  schema?: string;
}

/** Wave labels, in the order waves run. */
export enum WaveName {
  Admin = 'admin',
  Regional = 'regional',
  Canary = 'canary',
  Tenants = 'tenants',
}
