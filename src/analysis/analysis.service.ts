import { Injectable } from '@nestjs/common';
import { AppException } from '../core/errors/app.exception.js';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { JobName } from '../queue/queue.constants.js';
import { AnalysisErrorCode as C, jobNotFound } from './analysis.errors.js';
import { toInsightDto, toJobDto, toMetricsDto, toStatusDto } from './analysis.mapper.js';
import { AnalysisRepository } from './analysis.repository.js';
import type {
  AnalysisJobDto,
  AnalysisStatusDto,
  AnalyzeRequestDto,
  InsightListDto,
  ListInsightsQueryDto,
  RunMetricsListDto,
} from './dto/analysis.dto.js';
import { FINISHED_JOB, JobStatus, type AnalysisJob } from './entities/analysis-job.entity.js';
import type { AnalyzedRepository } from './entities/analyzed-repository.entity.js';
import { isSafeRef, requireSafeRef } from './git/repository-url.js';
import { READ, RepositoryAccess } from './repository-access.service.js';

/** BullMQ attempts of one run: a stalled or crashed worker's run is tried once more. */
export const ANALYSIS_ATTEMPTS = 2;

/** Queues runs (one active per repository), reads their status, cancels them. */
@Injectable()
export class AnalysisService {
  constructor(
    private readonly store: AnalysisRepository,
    private readonly access: RepositoryAccess,
    private readonly producer: QueueProducer,
  ) {}

  async start(
    userId: string,
    repositoryId: string,
    body: AnalyzeRequestDto,
  ): Promise<AnalysisJobDto> {
    const repo = await this.access.require(userId, repositoryId, READ);
    if (body.ref !== undefined) requireSafeRef(body.ref);
    return toJobDto(await this.startFor(repo, userId, body));
  }

  /** A queued job for the repository, or the one already queued or running. */
  async startFor(
    repo: AnalyzedRepository,
    userId: string,
    body: AnalyzeRequestDto,
  ): Promise<AnalysisJob> {
    const active = await this.store.findActiveJob(repo.id);
    if (active) return active;
    const ref = body.ref ?? repo.defaultBranch;
    if (ref !== null && !isSafeRef(ref)) {
      throw new AppException(
        422,
        C.InvalidRef,
        'The default branch has a name git could misread; give a ref.',
      );
    }
    const estimate =
      (await this.store.meanRecentDurationMs(repo.id)) ??
      30_000 + Math.round((repo.size / 1024) * 2_000);
    const job = await this.store.insertJobIfIdle({
      repositoryId: repo.id,
      requestedBy: userId,
      status: JobStatus.Queued,
      analysisType: body.analysisType ?? 'full',
      options: { ...(body.options ?? {}) },
      ref,
      estimatedDurationMs: estimate,
    });
    if (!job) return (await this.store.findActiveJob(repo.id)) ?? this.startFor(repo, userId, body);
    try {
      await this.producer.enqueue(
        JobName.AnalyzeRepository,
        { jobId: job.id },
        { jobId: job.id, attempts: ANALYSIS_ATTEMPTS, backoff: { type: 'fixed', delay: 1_000 } },
      );
    } catch (err) {
      await this.store.finish(job.id, JobStatus.Failed, {
        code: 'QUEUE_UNAVAILABLE',
        message: 'The job queue could not take the run.',
      });
      throw err;
    }
    return job;
  }

  private async visibleJob(userId: string, jobId: string): Promise<AnalysisJob> {
    const job = await this.store.findJob(jobId);
    if (!job) throw jobNotFound();
    try {
      await this.access.require(userId, job.repositoryId, READ);
    } catch (err) {
      if (err instanceof AppException && err.status === 404) throw jobNotFound();
      throw err;
    }
    return job;
  }

  async status(userId: string, jobId: string): Promise<AnalysisStatusDto> {
    return toStatusDto(await this.visibleJob(userId, jobId));
  }

  /** For the event stream: the job's status without the access check (done once before). */
  async statusUnchecked(jobId: string): Promise<AnalysisStatusDto | null> {
    const job = await this.store.findJob(jobId);
    return job ? toStatusDto(job) : null;
  }

  /**
   * A queued run is cancelled at once; a running one is flagged and its worker stops at
   * the next check (within a second while cloning, between analyzers otherwise).
   */
  async cancel(userId: string, jobId: string): Promise<AnalysisStatusDto> {
    const job = await this.visibleJob(userId, jobId);
    if (FINISHED_JOB.includes(job.status)) {
      throw new AppException(
        409,
        C.JobFinished,
        `The job has already ${job.status === JobStatus.Cancelled ? 'been cancelled' : job.status === JobStatus.Failed ? 'failed' : 'completed'}.`,
      );
    }
    await this.cancelJob(job);
    return toStatusDto((await this.store.findJob(jobId))!);
  }

  async cancelActive(repositoryId: string): Promise<void> {
    const job = await this.store.findActiveJob(repositoryId);
    if (job) await this.cancelJob(job);
  }

  private async cancelJob(job: AnalysisJob): Promise<void> {
    await this.store.requestCancel(job.id);
    await this.store.finish(job.id, JobStatus.Cancelled, {
      code: 'CANCELLED',
      message: 'Cancelled on request.',
    });
  }

  async insights(
    userId: string,
    repositoryId: string,
    q: ListInsightsQueryDto,
  ): Promise<InsightListDto> {
    await this.access.require(userId, repositoryId, READ);
    const limit = q.limit ?? 20;
    const offset = q.offset ?? 0;
    const { rows, total } = await this.store.listInsights(
      repositoryId,
      { type: q.type, severity: q.severity },
      limit,
      offset,
    );
    return { items: rows.map(toInsightDto), total, limit, offset };
  }

  async metrics(userId: string, repositoryId: string): Promise<RunMetricsListDto> {
    await this.access.require(userId, repositoryId, READ);
    return { items: (await this.store.completedRuns(repositoryId, 500)).map(toMetricsDto) };
  }
}
