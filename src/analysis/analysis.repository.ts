import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { RepositoryRecord } from '../connections/entities/repository.entity.js';
import { HISTORY_ANALYZER_VERSION } from './analyzers/history.analyzer.js';
import type { FileResultRow, StoredFileResult } from './analyzers/file-cache.js';
import { AnalysisAggregate } from './entities/analysis-aggregate.entity.js';
import {
  ACTIVE_JOB,
  AnalysisJob,
  JobStatus,
  type FileCounts,
  type RunMetrics,
  type StepTiming,
} from './entities/analysis-job.entity.js';
import { AnalyzedRepository, AnalysisStatus } from './entities/analyzed-repository.entity.js';
import { Insight, type InsightType, type Severity } from './entities/insight.entity.js';

export type InsightRow = Pick<
  Insight,
  | 'repositoryId'
  | 'jobId'
  | 'type'
  | 'title'
  | 'description'
  | 'severity'
  | 'confidenceScore'
  | 'data'
  | 'modelVersion'
  | 'tags'
>;

export interface CreatedCursor {
  createdAt: string;
  id: string;
}

/** All SQL of repository analysis: repositories, jobs, insights. */
@Injectable()
export class AnalysisRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get m(): EntityManager {
    return this.dataSource.manager;
  }

  findRepository(id: string): Promise<AnalyzedRepository | null> {
    return this.m.findOneBy(AnalyzedRepository, { id });
  }

  /** Runs `work` in one transaction (the change and its audit entry). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  insertRepository(
    values: Partial<AnalyzedRepository>,
    manager: EntityManager = this.m,
  ): Promise<AnalyzedRepository> {
    return manager.save(AnalyzedRepository, manager.create(AnalyzedRepository, values));
  }

  async updateRepository(
    id: string,
    values: QueryDeepPartialEntity<AnalyzedRepository>,
  ): Promise<void> {
    await this.m.update(AnalyzedRepository, { id }, values);
  }

  async deleteRepository(id: string, manager: EntityManager = this.m): Promise<void> {
    await manager.delete(AnalyzedRepository, { id });
  }

  /** The connections' record of this repository in the organization, to link to. */
  findRecordInOrganization(
    orgId: string,
    fullName: string,
    connectionId?: string,
  ): Promise<RepositoryRecord | null> {
    const q = this.m
      .createQueryBuilder(RepositoryRecord, 'r')
      .where('r.organization_id = :orgId AND lower(r.full_name) = lower(:fullName)', {
        orgId,
        fullName,
      });
    if (connectionId) q.andWhere('r.connection_id = :connectionId', { connectionId });
    return q.orderBy('r.active', 'DESC').getOne();
  }

  /** The caller's own repositories and those of their organizations, newest first. */
  listVisible(
    userId: string,
    filters: { status?: AnalysisStatus; language?: string },
    cursor: CreatedCursor | null,
    limit: number,
  ): Promise<AnalyzedRepository[]> {
    const q = this.m.createQueryBuilder(AnalyzedRepository, 'r').where(
      `(r.owner_user_id = :userId OR r.organization_id IN
          (SELECT m.organization_id FROM organization_members m WHERE m.user_id = :userId))`,
      { userId },
    );
    if (filters.status) q.andWhere('r.analysis_status = :status', { status: filters.status });
    if (filters.language)
      q.andWhere('lower(r.language) = lower(:language)', { language: filters.language });
    if (cursor) q.andWhere('(r.created_at, r.id) < (:createdAt, :id)', cursor);
    return q
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }

  /** Repositories a user owns (not counting their organizations'). */
  async countOwnedBy(userId: string): Promise<number> {
    return this.m.countBy(AnalyzedRepository, { ownerUserId: userId });
  }

  /** Repositories, and jobs by status (indexed counts), for the statistics overview. */
  async figures(): Promise<Record<string, number>> {
    const [row] = await this.m.query<Record<string, string>[]>(
      `SELECT (SELECT count(*) FROM analyzed_repositories) AS repositories,
              count(*) FILTER (WHERE status = 'queued') AS "jobsQueued",
              count(*) FILTER (WHERE status = 'in_progress') AS "jobsInProgress",
              count(*) FILTER (WHERE status = 'completed') AS "jobsCompleted",
              count(*) FILTER (WHERE status = 'failed') AS "jobsFailed"
         FROM analysis_jobs`,
    );
    return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
  }

  // ---- jobs

  findJob(id: string): Promise<AnalysisJob | null> {
    return this.m.findOneBy(AnalysisJob, { id });
  }

  findActiveJob(repositoryId: string): Promise<AnalysisJob | null> {
    return this.m
      .createQueryBuilder(AnalysisJob, 'j')
      .where('j.repository_id = :repositoryId AND j.status IN (:...active)', {
        repositoryId,
        active: ACTIVE_JOB,
      })
      .getOne();
  }

  /** Inserts a queued job unless one is active (then null: the caller reads that one). */
  async insertJobIfIdle(values: QueryDeepPartialEntity<AnalysisJob>): Promise<AnalysisJob | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager
        .createQueryBuilder()
        .insert()
        .into(AnalysisJob)
        .values(values)
        .orIgnore()
        .returning('*')
        .execute();
      const raw = rows.raw as { id: string }[];
      if (raw.length === 0) return null;
      const job = await manager.findOneBy(AnalysisJob, { id: raw[0].id });
      if (job) {
        await manager.update(
          AnalyzedRepository,
          { id: job.repositoryId },
          { analysisStatus: AnalysisStatus.Queued },
        );
      }
      return job;
    });
  }

  /** Mean duration of the last completed runs, in ms. */
  async meanRecentDurationMs(repositoryId: string): Promise<number | null> {
    const [row] = await this.m.query<{ ms: string | null }[]>(
      `SELECT avg(ms) AS ms FROM (
         SELECT extract(epoch FROM completed_at - started_at) * 1000 AS ms FROM analysis_jobs
          WHERE repository_id = $1 AND status = 'completed' AND started_at IS NOT NULL
          ORDER BY completed_at DESC LIMIT 5) t`,
      [repositoryId],
    );
    return row?.ms == null ? null : Math.round(Number(row.ms));
  }

  /**
   * Claims a queued job for a worker, or takes back one a dead worker left in_progress;
   * null when the job has finished or is gone. Counts the attempt.
   */
  async claimJob(id: string): Promise<AnalysisJob | null> {
    const rows = await this.m.query<[{ id: string }[], number]>(
      `UPDATE analysis_jobs SET status = 'in_progress', attempts = attempts + 1,
              started_at = COALESCE(started_at, now()), heartbeat_at = now(), step = NULL,
              steps = '[]'::jsonb, progress = 0
        WHERE id = $1 AND status IN ('queued', 'in_progress') AND NOT cancel_requested
        RETURNING id`,
      [id],
    );
    if (rows[1] === 0) return null;
    const job = await this.findJob(id);
    if (job) {
      await this.m.update(
        AnalyzedRepository,
        { id: job.repositoryId },
        { analysisStatus: AnalysisStatus.InProgress },
      );
    }
    return job;
  }

  /** Progress of a running job; false when it is no longer running (cancelled meanwhile). */
  async recordProgress(
    id: string,
    step: string,
    progress: number,
    steps: StepTiming[],
  ): Promise<boolean> {
    const rows = await this.m.query<[unknown[], number]>(
      `UPDATE analysis_jobs SET step = $2, progress = $3, steps = $4::jsonb, heartbeat_at = now()
        WHERE id = $1 AND status = 'in_progress' AND NOT cancel_requested RETURNING id`,
      [id, step, progress, JSON.stringify(steps)],
    );
    return rows[1] > 0;
  }

  /** Heartbeat of a running job; false when it should stop (cancelled, finished, gone). */
  async heartbeat(id: string): Promise<boolean> {
    const rows = await this.m.query<[unknown[], number]>(
      `UPDATE analysis_jobs SET heartbeat_at = now()
        WHERE id = $1 AND status = 'in_progress' AND NOT cancel_requested RETURNING id`,
      [id],
    );
    return rows[1] > 0;
  }

  /** Saves the insights and completes the job in one transaction. */
  async complete(
    job: AnalysisJob,
    commit: string,
    steps: StepTiming[],
    metrics: RunMetrics,
    insights: InsightRow[],
    partial: boolean,
    saveState?: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<[unknown[], number]>(
        `UPDATE analysis_jobs SET status = 'completed', step = NULL, progress = 100, steps = $2::jsonb,
                metrics = $3::jsonb, commit_sha = $4, partial = $5, completed_at = now()
          WHERE id = $1 AND status = 'in_progress' RETURNING id`,
        [job.id, JSON.stringify(steps), JSON.stringify(metrics), commit, partial],
      );
      if (rows[1] === 0) return false;
      await saveState?.(manager);
      await manager.delete(Insight, { jobId: job.id });
      if (insights.length > 0) {
        // jsonb `data` is opaque to TypeORM's deep-partial type
        await manager.insert(Insight, insights as QueryDeepPartialEntity<Insight>[]);
      }
      await manager.update(
        AnalyzedRepository,
        { id: job.repositoryId },
        { analysisStatus: AnalysisStatus.Completed, lastAnalyzed: new Date() },
      );
      return true;
    });
  }

  /** Ends an active job as failed or cancelled; the repository shows the same status. */
  async finish(
    id: string,
    status: JobStatus.Failed | JobStatus.Cancelled,
    error: { code: string; message: string } | null,
    steps?: StepTiming[],
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<[{ repository_id: string }[], number]>(
        `UPDATE analysis_jobs SET status = $2, error_code = $3, error_message = $4,
                steps = COALESCE($5::jsonb, steps), completed_at = now()
          WHERE id = $1 AND status IN ('queued', 'in_progress') RETURNING repository_id`,
        [
          id,
          status,
          error?.code ?? null,
          error?.message ?? null,
          steps ? JSON.stringify(steps) : null,
        ],
      );
      if (rows[1] === 0) return false;
      await manager.update(
        AnalyzedRepository,
        { id: rows[0][0].repository_id },
        {
          analysisStatus:
            status === JobStatus.Failed ? AnalysisStatus.Failed : AnalysisStatus.Cancelled,
        },
      );
      return true;
    });
  }

  async requestCancel(id: string): Promise<void> {
    await this.m.query(
      `UPDATE analysis_jobs SET cancel_requested = true WHERE id = $1 AND status IN ('queued', 'in_progress')`,
      [id],
    );
  }

  /** Running jobs whose worker has not written for `staleMs`. */
  async staleRunning(staleMs: number): Promise<AnalysisJob[]> {
    return this.m
      .createQueryBuilder(AnalysisJob, 'j')
      .where(`j.status = 'in_progress' AND j.heartbeat_at < now() - make_interval(secs => :s)`, {
        s: staleMs / 1000,
      })
      .getMany();
  }

  /** Queued jobs older than `ageMs` (their queue job may have been lost). */
  async oldQueued(ageMs: number): Promise<AnalysisJob[]> {
    return this.m
      .createQueryBuilder(AnalysisJob, 'j')
      .where(`j.status = 'queued' AND j.created_at < now() - make_interval(secs => :s)`, {
        s: ageMs / 1000,
      })
      .getMany();
  }

  // ---- insights and metrics

  async listInsights(
    repositoryId: string,
    filters: { type?: InsightType; severity?: Severity },
    limit: number,
    offset: number,
  ): Promise<{ rows: Insight[]; total: number }> {
    const q = this.m
      .createQueryBuilder(Insight, 'i')
      .where('i.repository_id = :repositoryId', { repositoryId });
    if (filters.type) q.andWhere('i.type = :type', { type: filters.type });
    if (filters.severity) q.andWhere('i.severity = :severity', { severity: filters.severity });
    const [rows, total] = await q
      .orderBy('i.created_at', 'DESC')
      .addOrderBy('i.id', 'ASC')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
    return { rows, total };
  }

  completedRuns(repositoryId: string, limit: number): Promise<AnalysisJob[]> {
    return this.m
      .createQueryBuilder(AnalysisJob, 'j')
      .where(
        `j.repository_id = :repositoryId AND j.status = 'completed' AND j.metrics IS NOT NULL`,
        {
          repositoryId,
        },
      )
      .orderBy('j.completed_at', 'ASC')
      .limit(limit)
      .getMany();
  }
}

/** What a completed run leaves for the next incremental run. */
export interface RunState {
  aggregates: { analyzer: string; data: unknown }[];
  fileResults: FileResultRow[];
  /** Analyzers that went through the whole tree: their results for other paths are removed. */
  prune: { analyzers: string[]; paths: string[] } | null;
  fileCounts: FileCounts[];
}

/** Incremental runs: earlier runs' aggregates and per-file results. */
@Injectable()
export class AnalysisStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The latest completed run of the repository whose history aggregate was kept. */
  async lastBaseRun(repositoryId: string): Promise<{ jobId: string; commit: string } | null> {
    const [row] = await this.dataSource.query<{ id: string; commit_sha: string }[]>(
      `SELECT j.id, j.commit_sha FROM analysis_jobs j
        WHERE j.repository_id = $1 AND j.status = 'completed' AND j.commit_sha IS NOT NULL
          AND EXISTS (SELECT 1 FROM analysis_aggregates a WHERE a.job_id = j.id AND a.analyzer = $2)
        ORDER BY j.completed_at DESC LIMIT 1`,
      [repositoryId, HISTORY_ANALYZER_VERSION],
    );
    return row ? { jobId: row.id, commit: row.commit_sha } : null;
  }

  async aggregate<T>(jobId: string, analyzer: string): Promise<T | null> {
    const row = await this.dataSource.manager.findOneBy(AnalysisAggregate, { jobId, analyzer });
    return row ? (row.data as T) : null;
  }

  async recordBase(jobId: string, baseCommit: string | null, reason: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE analysis_jobs SET base_commit = $2, full_run_reason = $3 WHERE id = $1`,
      [jobId, baseCommit, reason],
    );
  }

  async fileResults(repositoryId: string): Promise<Map<string, Map<string, StoredFileResult>>> {
    const rows = await this.dataSource.query<
      { analyzer: string; path: string; blob_id: string; result: unknown }[]
    >(
      `SELECT analyzer, path, blob_id, result FROM analysis_file_results WHERE repository_id = $1`,
      [repositoryId],
    );
    const out = new Map<string, Map<string, StoredFileResult>>();
    for (const r of rows) {
      const byPath = out.get(r.analyzer) ?? new Map<string, StoredFileResult>();
      out.set(r.analyzer, byPath);
      byPath.set(r.path, { blobId: r.blob_id, result: r.result });
    }
    return out;
  }

  /** Saves a run's state in the transaction that completes it; older runs' aggregates go. */
  async save(manager: EntityManager, job: AnalysisJob, state: RunState): Promise<void> {
    await manager.query(`UPDATE analysis_jobs SET file_counts = $2::jsonb WHERE id = $1`, [
      job.id,
      JSON.stringify(state.fileCounts),
    ]);
    for (const a of state.aggregates) {
      await manager.query(
        `INSERT INTO analysis_aggregates (job_id, analyzer, data) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (job_id, analyzer) DO UPDATE SET data = EXCLUDED.data`,
        [job.id, a.analyzer, JSON.stringify(a.data)],
      );
    }
    if (state.aggregates.length > 0) {
      await manager.query(
        `DELETE FROM analysis_aggregates a USING analysis_jobs j
          WHERE a.job_id = j.id AND j.repository_id = $1 AND a.job_id <> $2 AND a.analyzer = ANY($3)`,
        [job.repositoryId, job.id, state.aggregates.map((a) => a.analyzer)],
      );
    }
    for (let i = 0; i < state.fileResults.length; i += 1000) {
      const chunk = state.fileResults.slice(i, i + 1000).map((r) => ({
        analyzer: r.analyzer,
        path: r.path,
        blob_id: r.blobId,
        result: r.result,
      }));
      await manager.query(
        `INSERT INTO analysis_file_results (repository_id, analyzer, path, blob_id, result)
         SELECT $1, x.analyzer, x.path, x.blob_id, x.result
           FROM jsonb_to_recordset($2::jsonb) AS x(analyzer text, path text, blob_id text, result jsonb)
         ON CONFLICT (repository_id, analyzer, path)
         DO UPDATE SET blob_id = EXCLUDED.blob_id, result = EXCLUDED.result, updated_at = now()`,
        [job.repositoryId, JSON.stringify(chunk)],
      );
    }
    if (state.prune) {
      await manager.query(
        `DELETE FROM analysis_file_results
          WHERE repository_id = $1 AND analyzer = ANY($2) AND NOT (path = ANY($3))`,
        [job.repositoryId, state.prune.analyzers, state.prune.paths],
      );
    }
  }
}
