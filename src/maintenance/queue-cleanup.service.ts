import { Injectable, Logger } from '@nestjs/common';
import { QueueProducer } from '../queue/queue-producer.service.js';

export const COMPLETED_RETENTION_MS = 24 * 3600 * 1000;
export const FAILED_RETENTION_MS = 7 * 24 * 3600 * 1000;
const BATCH = 1000;

export interface CleanupResult {
  completed: number;
  failed: number;
}

/** Removes finished jobs past their retention from every queue. */
@Injectable()
export class QueueCleanupService {
  private readonly logger = new Logger('QueueCleanup');

  constructor(private readonly producer: QueueProducer) {}

  async clean(
    completedAfterMs = COMPLETED_RETENTION_MS,
    failedAfterMs = FAILED_RETENTION_MS,
  ): Promise<CleanupResult> {
    const result: CleanupResult = { completed: 0, failed: 0 };
    for (const queue of this.producer.all()) {
      result.completed += await this.drain(() => queue.clean(completedAfterMs, BATCH, 'completed'));
      result.failed += await this.drain(() => queue.clean(failedAfterMs, BATCH, 'failed'));
    }
    if (result.completed + result.failed > 0)
      this.logger.log({ msg: 'cleaned finished jobs', ...result });
    return result;
  }

  private async drain(step: () => Promise<string[]>): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = (await step()).length;
      total += removed;
      if (removed < BATCH) return total;
    }
  }
}
