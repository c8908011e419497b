import { AppException } from '../core/errors/app.exception.js';
import type { CatalogProblem } from './catalog/catalog.js';

/** Codes of the migration orchestrator's problem responses and target outcomes. */
export enum OrchestratorErrorCode {
  DatabaseNotFound = 'DATABASE_NOT_FOUND',
  DatabaseNameTaken = 'DATABASE_NAME_TAKEN',
  DatabaseUnreachable = 'DATABASE_UNREACHABLE',
  SchemaChoice = 'SCHEMA_CHOICE_INVALID',
  CatalogInvalid = 'CATALOG_INVALID',
  ExecutionNotFound = 'EXECUTION_NOT_FOUND',
  ExecutionRunning = 'EXECUTION_RUNNING',
  ExecutionFailed = 'EXECUTION_FAILED',
  ExecutionFinished = 'EXECUTION_FINISHED',
  AlreadyRolledBack = 'ALREADY_ROLLED_BACK',
  NewerVersionsApplied = 'NEWER_VERSIONS_APPLIED',
  NotRollbackable = 'NOT_ROLLBACKABLE',
  UndoMissing = 'UNDO_MISSING',
  NothingToRollBack = 'NOTHING_TO_ROLL_BACK',
  TargetRequired = 'TARGET_REQUIRED',
  SchemaRequired = 'SCHEMA_REQUIRED',
  TargetNotFound = 'TARGET_NOT_FOUND',
  NoMatchingTargets = 'NO_MATCHING_TARGETS',
  ScheduleNotFound = 'SCHEDULE_NOT_FOUND',
  CronInvalid = 'CRON_INVALID',
  TimezoneInvalid = 'TIMEZONE_INVALID',
  ScheduleTiming = 'SCHEDULE_TIMING_INVALID',
  TenantNotFound = 'TENANT_NOT_FOUND',
  // Target outcomes (recorded on execution targets, never HTTP statuses)
  Drift = 'MIGRATION_DRIFT',
  DependencyUnmet = 'DEPENDENCY_UNMET',
  TargetLocked = 'TARGET_LOCKED',
  SqlError = 'SQL_ERROR',
  Stopped = 'EXECUTION_STOPPED',
  Cancelled = 'EXECUTION_CANCELLED',
  SchemaGone = 'SCHEMA_GONE',
  DatabaseGone = 'DATABASE_GONE',
  NothingPending = 'NOTHING_PENDING',
}

const C = OrchestratorErrorCode;

export const databaseNotFound = () =>
  new AppException(404, C.DatabaseNotFound, 'No registered database with this id.');
export const databaseNameTaken = (name: string) =>
  new AppException(409, C.DatabaseNameTaken, `A registered database is already named "${name}".`);
export const databaseUnreachable = (reason: string) =>
  new AppException(422, C.DatabaseUnreachable, `The connection test failed: ${reason}`);
export const schemaChoice = (detail: string) => new AppException(422, C.SchemaChoice, detail);
export const catalogInvalid = (problems: CatalogProblem[]) =>
  new AppException(
    422,
    C.CatalogInvalid,
    `The migration files are invalid; the catalog stays as it was: ${problems
      .map((p) => `${p.file}: ${p.message}`)
      .join('; ')}`,
    { extensions: { problems } },
  );
export const executionNotFound = () =>
  new AppException(404, C.ExecutionNotFound, 'No execution with this id.');
export const executionConflict = (
  code:
    | OrchestratorErrorCode.ExecutionRunning
    | OrchestratorErrorCode.ExecutionFailed
    | OrchestratorErrorCode.ExecutionFinished
    | OrchestratorErrorCode.AlreadyRolledBack
    | OrchestratorErrorCode.NewerVersionsApplied
    | OrchestratorErrorCode.NotRollbackable,
  detail: string,
) => new AppException(409, code, detail);
export const undoMissing = (versions: { type: string; version: string }[]) =>
  new AppException(
    422,
    C.UndoMissing,
    `No undo file for: ${versions.map((v) => `${v.type}:${v.version}`).join(', ')}.`,
    { extensions: { versions } },
  );
export const nothingToRollBack = () =>
  new AppException(422, C.NothingToRollBack, 'The execution applied no versions to undo.');
export const targetRequired = () =>
  new AppException(
    422,
    C.TargetRequired,
    'The single scope needs target.databaseId (and target.schema for a pattern entry).',
  );
export const schemaRequired = () =>
  new AppException(
    422,
    C.SchemaRequired,
    'This database holds a schema per tenant: target.schema names which one.',
  );
export const targetNotFound = (detail: string) => new AppException(422, C.TargetNotFound, detail);
export const noMatchingTargets = () =>
  new AppException(
    422,
    C.NoMatchingTargets,
    'No registered target matches the scope and filters; nothing was started.',
  );
export const scheduleNotFound = () =>
  new AppException(404, C.ScheduleNotFound, 'No schedule with this id.');
export const cronInvalid = (reason: string) =>
  new AppException(422, C.CronInvalid, `The cron expression does not parse: ${reason}`);
export const timezoneInvalid = (tz: string) =>
  new AppException(422, C.TimezoneInvalid, `"${tz}" is not an IANA time zone.`);
export const scheduleTiming = (detail: string) => new AppException(422, C.ScheduleTiming, detail);
export const tenantNotFound = () =>
  new AppException(404, C.TenantNotFound, 'No registered database or schema holds this tenant.');
