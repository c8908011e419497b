import { Inject, Injectable, Logger } from '@nestjs/common';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import type { AnalysisConfig } from './analysis.config.js';
import { AnalysisErrorCode as C } from './analysis.errors.js';
import { AnalysisRepository } from './analysis.repository.js';
import { ANALYSIS_ATTEMPTS } from './analysis.service.js';
import { ANALYSIS_CONFIG } from './analysis.tokens.js';
import { JobStatus } from './entities/analysis-job.entity.js';

/** How often the sweep runs. */
export const ANALYSIS_SWEEP_EVERY_MS = 60_000;

/**
 * Keeps the job rows honest when a worker dies: a run whose heartbeat is older than
 * ANALYSIS_STALE_AFTER_MS is failed with WORKER_LOST (BullMQ's stall check has had its
 * chance to hand it to another worker by then), and a queued run whose queue job is
 * gone is enqueued again.
 */
@Injectable()
export class AnalysisSweeper {
  private readonly logger = new Logger('Analysis');

  constructor(
    @Inject(ANALYSIS_CONFIG) private readonly config: AnalysisConfig,
    private readonly store: AnalysisRepository,
    private readonly producer: QueueProducer,
  ) {}

  async sweep(): Promise<{ failed: number; requeued: number }> {
    let failed = 0;
    let requeued = 0;
    for (const job of await this.store.staleRunning(this.config.staleAfterMs)) {
      const done = await this.store.finish(job.id, JobStatus.Failed, {
        code: C.WorkerLost,
        message: 'The worker running this analysis stopped answering.',
      });
      if (done) failed++;
    }
    const queue = this.producer.queue(QueueName.Analysis);
    for (const job of await this.store.oldQueued(this.config.staleAfterMs)) {
      const queued = await queue.getJob(job.id);
      const state = queued ? await queued.getState() : 'missing';
      if (state === 'missing' || state === 'failed' || state === 'completed') {
        await queued?.remove().catch(() => undefined);
        await this.producer.enqueue(
          JobName.AnalyzeRepository,
          { jobId: job.id },
          { jobId: job.id, attempts: ANALYSIS_ATTEMPTS, backoff: { type: 'fixed', delay: 1_000 } },
        );
        requeued++;
      }
    }
    if (failed + requeued > 0) this.logger.warn({ msg: 'analysis sweep', failed, requeued });
    return { failed, requeued };
  }
}
