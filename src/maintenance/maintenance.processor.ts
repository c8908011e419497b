import type { Job } from 'bullmq';
import { JobHandler, QueueProcessor } from '../queue/job-handler.decorator.js';
import { JobProcessor } from '../queue/job-processor.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import { QueueCleanupService, type CleanupResult } from './queue-cleanup.service.js';

@QueueProcessor(QueueName.Maintenance)
export class MaintenanceProcessor extends JobProcessor {
  constructor(private readonly cleanup: QueueCleanupService) {
    super();
  }

  @JobHandler(JobName.CleanQueues)
  async cleanQueues(
    job: Job<{ completedAfterMs?: number; failedAfterMs?: number }>,
  ): Promise<CleanupResult> {
    const { completedAfterMs, failedAfterMs } = job.data;
    const valid = (v: unknown) =>
      typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
    return this.cleanup.clean(valid(completedAfterMs), valid(failedAfterMs));
  }
}
