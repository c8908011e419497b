import { OnWorkerEvent } from '@nestjs/bullmq';
import { Inject, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { JobHandler, QueueProcessor } from '../queue/job-handler.decorator.js';
import { JobProcessor } from '../queue/job-processor.js';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import type { AnalysisConfig } from './analysis.config.js';
import { AppRole, type AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AnalysisErrorCode as C } from './analysis.errors.js';
import { AnalysisRepository } from './analysis.repository.js';
import { AnalysisRunner } from './analysis-runner.service.js';
import { ANALYSIS_SWEEP_EVERY_MS, AnalysisSweeper } from './analysis-sweeper.service.js';
import { ANALYSIS_CONFIG } from './analysis.tokens.js';
import { JobStatus } from './entities/analysis-job.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The analysis queue: one run at a time per worker by default (ANALYSIS_CONCURRENCY).
 * A worker that dies mid-run stops renewing its lock; BullMQ's stall check hands the
 * job to another worker once (the run starts over from its row), then fails it.
 */
@QueueProcessor(QueueName.Analysis, {
  lockDuration: 30_000,
  stalledInterval: 15_000,
  maxStalledCount: 1,
})
export class AnalysisProcessor
  extends JobProcessor
  implements OnModuleInit, OnApplicationBootstrap
{
  private readonly logger = new Logger('Analysis');

  constructor(
    @Inject(ANALYSIS_CONFIG) private readonly config: AnalysisConfig,
    private readonly runner: AnalysisRunner,
    private readonly sweeper: AnalysisSweeper,
    private readonly store: AnalysisRepository,
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly app: AppConfig,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.concurrency;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.app.role === AppRole.Api) return;
    await this.producer.schedule(JobName.AnalysisSweep, ANALYSIS_SWEEP_EVERY_MS);
  }

  @JobHandler(JobName.AnalyzeRepository)
  async analyze(job: Job<{ jobId?: unknown }>): Promise<{ outcome: string }> {
    const id = job.data.jobId;
    if (typeof id !== 'string' || !UUID.test(id))
      throw new UnrecoverableError('analysis.run needs a jobId (UUID)');
    return { outcome: await this.runner.run(id) };
  }

  @JobHandler(JobName.AnalysisSweep)
  sweep(): Promise<{ failed: number; requeued: number }> {
    return this.sweeper.sweep();
  }

  /** A run whose queue job failed for good (stalled too often) is failed in its row too. */
  @OnWorkerEvent('failed')
  async onJobFailed(job: Job<{ jobId?: unknown }> | undefined): Promise<void> {
    if (!job || job.name !== String(JobName.AnalyzeRepository) || !job.finishedOn) return;
    const id = job.data.jobId;
    if (typeof id !== 'string' || !UUID.test(id)) return;
    try {
      await this.store.finish(id, JobStatus.Failed, {
        code: C.WorkerLost,
        message: 'The analysis could not be completed by a worker.',
      });
    } catch (err) {
      this.logger.error({ msg: 'could not mark a lost analysis failed', jobId: id, err });
    }
  }
}
