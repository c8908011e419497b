import type {
  ExecutionDto,
  ExecutionTargetDto,
  PlanDto,
  PlanTargetDto,
} from '../dto/execution.dto.js';
import { FINISHED_EXECUTION } from '../orchestrator.types.js';
import type { ExecutionTarget } from './execution-target.entity.js';
import type { Execution } from './execution.entity.js';
import type { TargetCounts } from './executions.repository.js';
import { WAVE_NAMES, type Plan, type PlannedTarget } from './planner.service.js';

const EMPTY: TargetCounts = {
  total: 0,
  pending: 0,
  running: 0,
  completed: 0,
  failed: 0,
  skipped: 0,
};

export function toExecutionDto(
  e: Execution,
  counts: TargetCounts = EMPTY,
  now = new Date(),
): ExecutionDto {
  const done = counts.completed + counts.failed + counts.skipped;
  const finished = FINISHED_EXECUTION.includes(e.status);
  let estimated: string | null = null;
  if (!finished && e.startedAt && done > 0 && done < counts.total) {
    const elapsed = now.getTime() - e.startedAt.getTime();
    estimated = new Date(now.getTime() + (elapsed / done) * (counts.total - done)).toISOString();
  }
  return {
    id: e.id,
    scope: e.scope,
    filters: e.filters,
    target: e.target,
    status: e.status,
    dryRun: e.dryRun,
    concurrency: e.concurrency,
    onError: e.onError,
    canary: e.canary,
    executedBy: e.executedBy,
    cancelRequested: e.cancelRequested,
    progress: {
      total: counts.total,
      completed: counts.completed,
      failed: counts.failed,
      skipped: counts.skipped,
      running: counts.running,
      pending: counts.pending,
      currentTarget: finished ? null : e.currentTarget,
      percentage: counts.total === 0 ? 100 : Math.round((done / counts.total) * 10_000) / 100,
      estimatedCompletion: estimated,
    },
    metadata: {
      rollbackOf: e.rollbackOf,
      rolledBackBy: e.rolledBackBy,
      scheduleId: e.scheduleId,
      stopReason: e.stopReason,
    },
    createdAt: e.createdAt.toISOString(),
    startedAt: e.startedAt?.toISOString() ?? null,
    completedAt: e.finishedAt?.toISOString() ?? null,
    errorMessage: e.errorMessage,
  };
}

export function toTargetDto(t: ExecutionTarget): ExecutionTargetDto {
  return {
    id: t.id,
    ordinal: t.ordinal,
    wave: t.wave,
    waveName: t.waveName,
    databaseId: t.databaseId,
    databaseName: t.databaseName,
    databaseType: t.databaseType,
    region: t.region,
    tenantId: t.tenantId,
    schema: t.schemaName,
    mode: t.mode,
    status: t.status,
    planned: t.planned,
    applied: t.applied,
    attempts: t.attempts,
    startedAt: t.startedAt?.toISOString() ?? null,
    finishedAt: t.finishedAt?.toISOString() ?? null,
    durationMs: t.durationMs,
    errorCode: t.errorCode,
    errorMessage: t.errorMessage,
    failingFile: t.failingFile,
    errorPosition: t.errorPosition,
    errorLine: t.errorLine,
    databaseErrorCode: t.databaseErrorCode,
  };
}

export function toPlanTargetDto(t: PlannedTarget): PlanTargetDto {
  return {
    databaseId: t.database.id,
    databaseName: t.database.name,
    databaseType: t.database.type,
    region: t.database.region,
    tenantId: t.tenantId,
    schema: t.schema,
    wave: t.wave,
    waveName: t.waveName,
    reachable: t.reachable,
    error: t.error,
    currentVersion: t.currentVersion,
    pending: t.pending.map((f) => ({
      kind: f.kind,
      version: f.version,
      description: f.description,
      fileName: f.fileName,
      checksum: f.checksum,
      noTransaction: f.noTransaction,
    })),
    drift: t.drift,
    failures: t.failures.map((f) => ({
      version: f.version,
      description: f.description,
      at: f.at.toISOString(),
    })),
    missingDependencies: t.missingDependencies,
    lockHolder: t.lockHolder
      ? { ...t.lockHolder, since: t.lockHolder.since?.toISOString() ?? null }
      : null,
  };
}

export function toPlanDto(plan: Plan): PlanDto {
  const waves = [...new Set(plan.targets.map((t) => t.wave))].sort().map((wave) => ({
    wave,
    name: WAVE_NAMES[wave],
    targets: plan.targets.filter((t) => t.wave === wave).length,
  }));
  return {
    scope: plan.scope,
    filters: plan.filters,
    totalTargets: plan.targets.length,
    pendingTargets: plan.targets.filter((t) => t.pending.length > 0).length,
    blockedTargets: plan.targets.filter(
      (t) => t.drift.length > 0 || t.missingDependencies.length > 0,
    ).length,
    unreachableTargets: plan.targets.filter((t) => !t.reachable).length,
    message:
      plan.targets.length === 0 ? 'No registered target matches the scope and filters.' : null,
    waves,
    targets: plan.targets.map(toPlanTargetDto),
  };
}
