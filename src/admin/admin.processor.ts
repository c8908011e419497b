import { AuditService } from '../audit/audit.service.js';
import { JobHandler, QueueProcessor } from '../queue/job-handler.decorator.js';
import { JobProcessor } from '../queue/job-processor.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import { StatsRollup } from './stats/stats-rollup.service.js';

@QueueProcessor(QueueName.Admin)
export class AdminProcessor extends JobProcessor {
  constructor(
    private readonly rollup: StatsRollup,
    private readonly audit: AuditService,
  ) {
    super();
  }

  @JobHandler(JobName.StatsRollup)
  async rollUpStats(): Promise<{ written: number | null }> {
    return { written: await this.rollup.run() };
  }

  @JobHandler(JobName.AuditRetention)
  async applyAuditRetention(): Promise<{ removed: number }> {
    return { removed: await this.audit.applyRetention() };
  }
}
