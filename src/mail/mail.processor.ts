import { UnrecoverableError, type Job } from 'bullmq';
import { JobHandler, QueueProcessor } from '../queue/job-handler.decorator.js';
import { JobProcessor } from '../queue/job-processor.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import { MailDeliveryService, type DeliveryOutcome } from './mail-delivery.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@QueueProcessor(QueueName.Mail)
export class MailProcessor extends JobProcessor {
  constructor(private readonly delivery: MailDeliveryService) {
    super();
  }

  /** Delivers one stored mail; a thrown error makes BullMQ retry with the producer's backoff. */
  @JobHandler(JobName.SendMail)
  async sendMail(job: Job<{ mailId?: unknown }>): Promise<DeliveryOutcome> {
    const { mailId } = job.data;
    if (typeof mailId !== 'string' || !UUID.test(mailId))
      throw new UnrecoverableError('mail.send needs a mailId (UUID)');
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.delivery.deliver(mailId, finalAttempt);
  }
}
