import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import {
  decodeCursor,
  decodeTimeIdCursor,
  toPage,
  type PageDto,
} from '../../core/pagination/page.js';
import { keyOf } from '../catalog/catalog.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type {
  ExecuteRequestDto,
  ExecutionDto,
  ExecutionTargetDto,
  ListExecutionsQueryDto,
  ListTargetsQueryDto,
  PlanDto,
} from '../dto/execution.dto.js';
import {
  executionConflict,
  executionNotFound,
  noMatchingTargets,
  nothingToRollBack,
  OrchestratorErrorCode as C,
  undoMissing,
} from '../orchestrator.errors.js';
import {
  ExecutionStatus,
  FINISHED_EXECUTION,
  OnError,
  TargetMode,
  TargetStatus,
} from '../orchestrator.types.js';
import { describeFile } from '../target/history.js';
import { Coordinator } from './coordinator.service.js';
import type { ExecutionTarget } from './execution-target.entity.js';
import type { Execution } from './execution.entity.js';
import { ExecutionsRepository } from './executions.repository.js';
import { toExecutionDto, toPlanDto, toTargetDto } from './executions.mapper.js';
import { PlannerService, WAVE_NAMES, type PlanInput } from './planner.service.js';

export interface Executor {
  /** A user id, or `schedule:<id>`. */
  executedBy: string;
  scheduleId?: string;
}

/** Plans, starts, reads, cancels and rolls back executions. */
@Injectable()
export class ExecutionsService {
  constructor(
    private readonly repo: ExecutionsRepository,
    private readonly planner: PlannerService,
    private readonly catalog: CatalogService,
    private readonly coordinator: Coordinator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async plan(input: PlanInput): Promise<PlanDto> {
    return toPlanDto(await this.planner.plan(input));
  }

  async start(body: ExecuteRequestDto, executor: Executor): Promise<ExecutionDto> {
    const plan = await this.planner.plan(body);
    if (plan.targets.length === 0) throw noMatchingTargets();
    const dryRun = body.dryRun ?? false;
    const targets: Partial<ExecutionTarget>[] = plan.targets.map((t, ordinal) => {
      const nothing = t.reachable && t.pending.length === 0 && t.drift.length === 0;
      const unreadablePattern = !t.reachable && t.database.schemaPattern !== null;
      return {
        ordinal,
        wave: t.wave,
        waveName: t.waveName,
        databaseId: t.database.id,
        databaseName: t.database.name,
        databaseType: t.database.type,
        region: t.database.region,
        tenantId: t.tenantId,
        schemaName: t.schema,
        mode: TargetMode.Apply,
        status:
          dryRun || nothing
            ? TargetStatus.Skipped
            : unreadablePattern
              ? TargetStatus.Unreachable
              : TargetStatus.Pending,
        errorCode: dryRun
          ? null
          : nothing
            ? C.NothingPending
            : unreadablePattern
              ? C.DatabaseUnreachable
              : null,
        errorMessage: unreadablePattern ? t.error : null,
        planned: t.pending.map(describeFile),
        applied: [],
      };
    });
    const saved = await this.repo.create(
      {
        scope: body.scope,
        filters: body.filters ?? {},
        target: body.target ?? null,
        status: dryRun ? ExecutionStatus.Completed : ExecutionStatus.Pending,
        dryRun,
        concurrency: body.concurrency ?? this.config.orchestrator.batchSize,
        onError: body.onError ?? OnError.Stop,
        canary: body.canary ?? 0,
        executedBy: executor.executedBy,
        scheduleId: executor.scheduleId ?? null,
        catalog: this.catalog.snapshot(),
        ...(dryRun && { startedAt: new Date(), finishedAt: new Date() }),
      },
      targets,
    );
    if (!dryRun) await this.coordinator.kick(saved.id);
    return this.status(saved.id);
  }

  private async require(id: string): Promise<Execution> {
    const e = await this.repo.findById(id);
    if (!e) throw executionNotFound();
    return e;
  }

  async status(id: string): Promise<ExecutionDto> {
    const e = await this.require(id);
    const counts = await this.repo.counts([id]);
    return toExecutionDto(e, counts.get(id));
  }

  async list(query: ListExecutionsQueryDto): Promise<PageDto<ExecutionDto>> {
    const limit = query.limit ?? 20;
    const after = query.cursor ? decodeTimeIdCursor(query.cursor) : undefined;
    const rows = await this.repo.listPage(query.status, after, limit + 1);
    const counts = await this.repo.counts(rows.slice(0, limit).map((r) => r.id));
    return toPage(
      rows,
      limit,
      (r) => toExecutionDto(r, counts.get(r.id)),
      (r) => [r.createdAt.toISOString(), r.id],
    );
  }

  async targets(id: string, query: ListTargetsQueryDto): Promise<PageDto<ExecutionTargetDto>> {
    await this.require(id);
    const limit = query.limit ?? 20;
    const after = query.cursor ? Number(decodeCursor(query.cursor, 1)[0]) : undefined;
    const rows = await this.repo.listTargets(
      id,
      Number.isFinite(after) ? after : undefined,
      limit + 1,
      query.status,
    );
    return toPage(rows, limit, toTargetDto, (r) => [r.ordinal]);
  }

  async cancel(id: string): Promise<ExecutionDto> {
    const e = await this.require(id);
    if (FINISHED_EXECUTION.includes(e.status))
      throw executionConflict(C.ExecutionFinished, `The execution is already ${e.status}.`);
    await this.repo.requestCancel(id);
    await this.coordinator.kick(id);
    return this.status(id);
  }

  /**
   * A new execution running the undo files of what `executionId` applied, newest first,
   * per target that completed.
   */
  async rollback(executionId: string, executor: Executor): Promise<ExecutionDto> {
    const original = await this.require(executionId);
    if (
      original.status === ExecutionStatus.Pending ||
      original.status === ExecutionStatus.InProgress
    )
      throw executionConflict(C.ExecutionRunning, 'The execution is still running.');
    if (original.status === ExecutionStatus.Failed)
      throw executionConflict(
        C.ExecutionFailed,
        'A failed execution cannot be rolled back; fix forward or repair.',
      );
    if (original.status === ExecutionStatus.RolledBack || original.rolledBackBy)
      throw executionConflict(
        C.AlreadyRolledBack,
        `The execution was already rolled back (by ${original.rolledBackBy ?? 'an earlier rollback'}).`,
      );
    if (original.rollbackOf || original.dryRun)
      throw executionConflict(
        C.NotRollbackable,
        original.dryRun ? 'A dry run applied nothing.' : 'A rollback cannot itself be rolled back.',
      );
    const targets = (await this.repo.allTargets(executionId)).filter(
      (t) =>
        t.mode === TargetMode.Apply && t.applied.length > 0 && t.status === TargetStatus.Completed,
    );
    if (targets.length === 0) throw nothingToRollBack();
    if ((await this.repo.laterApplied(executionId, original.createdAt)) > 0)
      throw executionConflict(
        C.NewerVersionsApplied,
        'A later execution applied newer versions on these targets; roll that back first.',
      );
    const catalog = this.catalog.snapshot();
    const undo = new Set(
      catalog.files.filter((f) => f.kind === 'undo').map((f) => `${f.type}:${keyOf(f)}`),
    );
    const missing = new Map<string, { type: string; version: string }>();
    for (const t of targets) {
      for (const f of t.applied) {
        if (!f.version) continue;
        if (!undo.has(`${t.databaseType}:U:${f.version}`))
          missing.set(`${t.databaseType}:${f.version}`, {
            type: t.databaseType,
            version: f.version,
          });
      }
    }
    if (missing.size > 0) throw undoMissing([...missing.values()]);
    const maxWave = Math.max(...targets.map((t) => t.wave));
    const saved = await this.repo.create(
      {
        scope: original.scope,
        filters: original.filters,
        target: original.target,
        status: ExecutionStatus.Pending,
        dryRun: false,
        concurrency: original.concurrency,
        onError: OnError.Continue,
        canary: 0,
        executedBy: executor.executedBy,
        rollbackOf: original.id,
        catalog,
      },
      targets.map((t, ordinal) => {
        // Reverse dependency order: tenants first, the admin database last.
        const wave = maxWave - t.wave;
        return {
          ordinal,
          wave,
          waveName: WAVE_NAMES[t.wave],
          databaseId: t.databaseId,
          databaseName: t.databaseName,
          databaseType: t.databaseType,
          region: t.region,
          tenantId: t.tenantId,
          schemaName: t.schemaName,
          mode: TargetMode.Undo,
          status: TargetStatus.Pending,
          planned: t.applied
            .filter((f) => f.version)
            .reverse()
            .map((f) => ({
              key: `U:${f.version}`,
              version: f.version,
              description: f.description,
            })),
          applied: [],
        };
      }),
    );
    await this.repo.saveExecution(undefined, original.id, { rolledBackBy: saved.id });
    await this.coordinator.kick(saved.id);
    return this.status(saved.id);
  }

  async latest(): Promise<ExecutionDto | null> {
    const e = await this.repo.latest();
    if (!e) return null;
    return toExecutionDto(e, (await this.repo.counts([e.id])).get(e.id));
  }
}
