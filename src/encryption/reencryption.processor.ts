import { UnrecoverableError, type Job } from 'bullmq';
import { JobHandler, QueueProcessor } from '../queue/job-handler.decorator.js';
import { JobProcessor } from '../queue/job-processor.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import { ReencryptionService } from './reencryption.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@QueueProcessor(QueueName.Encryption)
export class ReencryptionProcessor extends JobProcessor {
  constructor(private readonly reencryption: ReencryptionService) {
    super();
  }

  @JobHandler(JobName.ReencryptSecrets)
  async reencrypt(job: Job<{ jobId?: unknown }>): Promise<{ status: string | null }> {
    const id = job.data.jobId;
    if (typeof id !== 'string' || !UUID.test(id))
      throw new UnrecoverableError('encryption.reencrypt needs a jobId');
    return { status: await this.reencryption.run(id) };
  }
}
