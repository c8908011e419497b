import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import {
  ExecutionStatus,
  FAILED_TARGET,
  FINISHED_EXECUTION,
  TargetStatus,
} from '../orchestrator.types.js';
import { ExecutionTarget, type TargetFile } from './execution-target.entity.js';
import { Execution } from './execution.entity.js';

export interface TargetCounts {
  total: number;
  pending: number;
  running: number;
  completed: number;
  failed: number;
  skipped: number;
}

export interface WaveCounts extends TargetCounts {
  wave: number;
}

const INSERT_CHUNK = 500;
const FAILED_STATUSES = FAILED_TARGET.map((s) => `'${s}'`).join(', ');

/** True when execution $1 must start no new target in wave $2. */
const STOPPING_SQL = `(SELECT e.cancel_requested
           OR e.status NOT IN ('pending', 'in_progress')
           OR (e.on_error = 'stop' AND EXISTS (
                SELECT 1 FROM orchestrator_execution_targets f
                 WHERE f.execution_id = e.id AND f.status IN (${FAILED_STATUSES})))
           OR EXISTS (SELECT 1 FROM orchestrator_execution_targets f
                       WHERE f.execution_id = e.id AND f.wave_name = 'canary' AND f.wave <= $2
                         AND f.status IN (${FAILED_STATUSES}))
      FROM orchestrator_executions e WHERE e.id = $1)`;
const FAILED_LIST = FAILED_TARGET.map((s) => `'${s}'`).join(', ');

/** All SQL over executions and their targets. */
@Injectable()
export class ExecutionsRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @InjectRepository(Execution) private readonly executions: Repository<Execution>,
    @InjectRepository(ExecutionTarget) private readonly targets: Repository<ExecutionTarget>,
  ) {}

  async create(
    execution: Partial<Execution>,
    targets: Partial<ExecutionTarget>[],
  ): Promise<Execution> {
    return this.ds.transaction(async (m) => {
      const saved = await m
        .getRepository(Execution)
        .save(m.getRepository(Execution).create(execution));
      for (let i = 0; i < targets.length; i += INSERT_CHUNK) {
        await m
          .getRepository(ExecutionTarget)
          .insert(targets.slice(i, i + INSERT_CHUNK).map((t) => ({ ...t, executionId: saved.id })));
      }
      return saved;
    });
  }

  findById(id: string): Promise<Execution | null> {
    return this.executions.findOneBy({ id });
  }

  /** Newest first, keyset on (created_at, id). */
  listPage(
    status: ExecutionStatus | undefined,
    after: { at: Date; id: string } | undefined,
    limit: number,
  ): Promise<Execution[]> {
    const qb = this.executions
      .createQueryBuilder('e')
      .select([
        'e.id',
        'e.scope',
        'e.filters',
        'e.target',
        'e.status',
        'e.dryRun',
        'e.concurrency',
        'e.onError',
        'e.canary',
        'e.executedBy',
        'e.scheduleId',
        'e.rollbackOf',
        'e.rolledBackBy',
        'e.currentWave',
        'e.cancelRequested',
        'e.stopReason',
        'e.currentTarget',
        'e.createdAt',
        'e.startedAt',
        'e.finishedAt',
        'e.errorMessage',
      ]);
    if (status) qb.where('e.status = :status', { status });
    if (after)
      qb.andWhere('(e.created_at, e.id) < (:at, :id)', {
        at: after.at.toISOString(),
        id: after.id,
      });
    return qb.orderBy('e.created_at', 'DESC').addOrderBy('e.id', 'DESC').take(limit).getMany();
  }

  async latest(): Promise<Execution | null> {
    const [row] = await this.listPage(undefined, undefined, 1);
    return row ?? null;
  }

  async counts(executionIds: string[]): Promise<Map<string, TargetCounts>> {
    const out = new Map<string, TargetCounts>();
    if (executionIds.length === 0) return out;
    const rows = await this.ds.query<Record<string, string>[]>(
      `SELECT execution_id,
              count(*) AS total,
              count(*) FILTER (WHERE status = 'pending') AS pending,
              count(*) FILTER (WHERE status = 'running') AS running,
              count(*) FILTER (WHERE status = 'completed') AS completed,
              count(*) FILTER (WHERE status IN (${FAILED_LIST})) AS failed,
              count(*) FILTER (WHERE status = 'skipped') AS skipped
         FROM orchestrator_execution_targets WHERE execution_id = ANY($1) GROUP BY execution_id`,
      [executionIds],
    );
    for (const r of rows) {
      out.set(r.execution_id, {
        total: Number(r.total),
        pending: Number(r.pending),
        running: Number(r.running),
        completed: Number(r.completed),
        failed: Number(r.failed),
        skipped: Number(r.skipped),
      });
    }
    return out;
  }

  listTargets(
    executionId: string,
    afterOrdinal: number | undefined,
    limit: number,
    status?: TargetStatus,
  ): Promise<ExecutionTarget[]> {
    const qb = this.targets
      .createQueryBuilder('t')
      .where('t.execution_id = :executionId', { executionId });
    if (afterOrdinal !== undefined) qb.andWhere('t.ordinal > :o', { o: afterOrdinal });
    if (status) qb.andWhere('t.status = :status', { status });
    return qb.orderBy('t.ordinal', 'ASC').take(limit).getMany();
  }

  allTargets(executionId: string): Promise<ExecutionTarget[]> {
    return this.targets.find({ where: { executionId }, order: { ordinal: 'ASC' } });
  }

  // ---- coordination ----

  /** Runs fn with the execution row locked (one coordinator step at a time). */
  withLockedExecution<T>(
    id: string,
    fn: (m: EntityManager, e: Execution) => Promise<T>,
  ): Promise<T | undefined> {
    return this.ds.transaction(async (m) => {
      const e = await m
        .getRepository(Execution)
        .createQueryBuilder('e')
        .setLock('pessimistic_write')
        .where('e.id = :id', { id })
        .getOne();
      return e ? fn(m, e) : undefined;
    });
  }

  async waveCounts(m: EntityManager, executionId: string): Promise<WaveCounts[]> {
    const rows = await m.query<Record<string, string>[]>(
      `SELECT wave,
              count(*) AS total,
              count(*) FILTER (WHERE status = 'pending') AS pending,
              count(*) FILTER (WHERE status = 'running') AS running,
              count(*) FILTER (WHERE status = 'completed') AS completed,
              count(*) FILTER (WHERE status IN (${FAILED_LIST})) AS failed,
              count(*) FILTER (WHERE status = 'skipped') AS skipped
         FROM orchestrator_execution_targets WHERE execution_id = $1 GROUP BY wave ORDER BY wave`,
      [executionId],
    );
    return rows.map((r) => ({
      wave: Number(r.wave),
      total: Number(r.total),
      pending: Number(r.pending),
      running: Number(r.running),
      completed: Number(r.completed),
      failed: Number(r.failed),
      skipped: Number(r.skipped),
    }));
  }

  async skipPending(
    m: EntityManager,
    executionId: string,
    code: string,
    message: string,
  ): Promise<void> {
    await m.query(
      `UPDATE orchestrator_execution_targets
          SET status = 'skipped', error_code = $2, error_message = $3, finished_at = now()
        WHERE execution_id = $1 AND status = 'pending'`,
      [executionId, code, message],
    );
  }

  async saveExecution(
    m: EntityManager | undefined,
    id: string,
    patch: Partial<Execution>,
  ): Promise<void> {
    await (m ?? this.ds.manager).getRepository(Execution).update({ id }, patch);
  }

  /**
   * Claims the next target of a wave for a lane: first one the lane claimed before (a
   * lane re-delivered after its worker died resumes it), else the next pending one.
   */
  async claim(executionId: string, wave: number, lane: string): Promise<ExecutionTarget | null> {
    const result = await this.ds.query<[Record<string, unknown>[], number]>(
      `WITH next AS (
         SELECT id FROM orchestrator_execution_targets
          WHERE execution_id = $1 AND wave = $2
            AND (status = 'pending' OR (status = 'running' AND lane = $3))
            AND NOT (${STOPPING_SQL})
          ORDER BY (status = 'running') DESC, ordinal
          LIMIT 1 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE orchestrator_execution_targets t
            SET status = 'running', lane = $3, attempts = t.attempts + 1,
                started_at = coalesce(t.started_at, now())
           FROM next WHERE t.id = next.id RETURNING t.id, t.database_name, t.schema_name),
       current AS (
         UPDATE orchestrator_executions e
            SET current_target = c.database_name || '/' || c.schema_name
           FROM claimed c WHERE e.id = $1 RETURNING e.id)
       SELECT id FROM claimed`,
      [executionId, wave, lane],
    );
    const rows = Array.isArray(result[0]) ? result[0] : (result as unknown as { id: string }[]);
    const id = (rows[0] as { id?: string } | undefined)?.id;
    return id ? this.targets.findOneBy({ id }) : null;
  }

  async setApplied(targetId: string, applied: TargetFile[]): Promise<void> {
    await this.targets.update({ id: targetId }, { applied });
  }

  async finishTarget(targetId: string, patch: Partial<ExecutionTarget>): Promise<void> {
    await this.targets.update({ id: targetId }, { ...patch, finishedAt: new Date() });
  }

  async requestCancel(id: string): Promise<Execution | null> {
    await this.ds.query(
      `UPDATE orchestrator_executions SET cancel_requested = true
        WHERE id = $1 AND status NOT IN (${FINISHED_EXECUTION.map((s) => `'${s}'`).join(', ')})`,
      [id],
    );
    return this.findById(id);
  }

  /** Targets of later executions that applied something where this one did. */
  async laterApplied(executionId: string, createdAt: Date): Promise<number> {
    const [row] = await this.ds.query<{ n: string }[]>(
      `SELECT count(*) AS n
         FROM orchestrator_execution_targets mine
         JOIN orchestrator_execution_targets later
           ON later.database_id = mine.database_id AND later.schema_name = mine.schema_name
         JOIN orchestrator_executions le ON le.id = later.execution_id
        WHERE mine.execution_id = $1 AND le.created_at > $2 AND le.id <> $1
          AND later.mode = 'apply' AND jsonb_array_length(later.applied) > 0
          AND jsonb_array_length(mine.applied) > 0`,
      [executionId, createdAt.toISOString()],
    );
    return Number(row.n);
  }

  /** A target whose lane will never run again (its job failed for good): mark it failed. */
  async failLaneTargets(executionId: string, lane: string, message: string): Promise<void> {
    await this.ds.query(
      `UPDATE orchestrator_execution_targets
          SET status = 'failed', error_code = 'TARGET_ABANDONED', error_message = $3, finished_at = now()
        WHERE execution_id = $1 AND lane = $2 AND status = 'running'`,
      [executionId, lane, message],
    );
  }
}
