import { OnWorkerEvent } from '@nestjs/bullmq';
import { Inject, Logger, type OnModuleInit } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { JobHandler, QueueProcessor } from '../queue/job-handler.decorator.js';
import { JobProcessor } from '../queue/job-processor.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import { Coordinator } from './executions/coordinator.service.js';
import { ScheduleRunner } from './schedules/schedule-runner.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Lock and stall checks of the orchestrator's worker: a worker that dies mid-target leaves
 * its lane job with a lock nobody renews; within about lockDuration + stalledInterval
 * (15 s) another worker takes the lane again and resumes its target from the target's own
 * history table.
 */
export const MIGRATION_WORKER_OPTIONS = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
} as const;

type OrchestratorJob = Job<{
  executionId?: unknown;
  wave?: unknown;
  lane?: unknown;
  scheduleId?: unknown;
}>;

function uuid(v: unknown, what: string): string {
  if (typeof v !== 'string' || !UUID.test(v))
    throw new UnrecoverableError(`${what} must be a UUID`);
  return v;
}

@QueueProcessor(QueueName.Migrations, MIGRATION_WORKER_OPTIONS)
export class OrchestratorProcessor extends JobProcessor implements OnModuleInit {
  private readonly logger = new Logger('MigrationJobs');

  constructor(
    private readonly coordinator: Coordinator,
    private readonly schedules: ScheduleRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.orchestrator.workerConcurrency;
  }

  @JobHandler(JobName.MigrationAdvance)
  async advance(job: OrchestratorJob): Promise<void> {
    await this.coordinator.advance(uuid(job.data.executionId, 'executionId'));
  }

  @JobHandler(JobName.MigrationLane)
  async lane(job: OrchestratorJob): Promise<void> {
    const { wave, lane } = job.data;
    if (typeof wave !== 'number' || typeof lane !== 'string')
      throw new UnrecoverableError('migrations.lane needs wave and lane');
    await this.coordinator.lane(uuid(job.data.executionId, 'executionId'), wave, lane);
  }

  @JobHandler(JobName.MigrationScheduledRun)
  async scheduledRun(job: OrchestratorJob): Promise<void> {
    await this.schedules.run(uuid(job.data.scheduleId, 'scheduleId'));
  }

  /** A lane that failed for good (stalled too often, or its step kept failing). */
  @OnWorkerEvent('failed')
  async onJobFailed(job: OrchestratorJob | undefined, error: Error): Promise<void> {
    if (!job || job.name !== String(JobName.MigrationLane) || !job.finishedOn) return;
    const { executionId, lane } = job.data;
    if (typeof executionId !== 'string' || typeof lane !== 'string') return;
    try {
      await this.coordinator.laneLost(executionId, lane, error.message);
    } catch (err) {
      this.logger.error({ msg: 'could not release a lost lane', executionId, err });
    }
  }
}
