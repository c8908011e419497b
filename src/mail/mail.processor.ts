import { OnWorkerEvent } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { JobHandler, QueueProcessor } from '../queue/job-handler.decorator.js';
import { JobProcessor } from '../queue/job-processor.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import { MailDeliveryService, type DeliveryOutcome } from './mail-delivery.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The mail worker's lock and stall checks. A worker that stops while sending (killed, out
 * of memory) leaves its job active with a lock nobody renews; once the lock expires, the
 * next stall check of any mail worker puts the job back in the queue, so the mail is sent
 * again within about lockDuration + stalledInterval (20 s). A job interrupted more than
 * maxStalledCount times fails, and its mail is marked failed (onJobFailed).
 */
export const MAIL_WORKER_OPTIONS = {
  lockDuration: 15_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
} as const;

type SendMailJob = Job<{ mailId?: unknown }>;

@QueueProcessor(QueueName.Mail, MAIL_WORKER_OPTIONS)
export class MailProcessor extends JobProcessor {
  private readonly logger = new Logger('Mail');

  constructor(private readonly delivery: MailDeliveryService) {
    super();
  }

  /** Delivers one stored mail; a thrown error makes BullMQ retry with the producer's backoff. */
  @JobHandler(JobName.SendMail)
  async sendMail(job: SendMailJob): Promise<DeliveryOutcome> {
    const mailId = mailIdOf(job);
    if (!mailId) throw new UnrecoverableError('mail.send needs a mailId (UUID)');
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.delivery.deliver(mailId, finalAttempt);
  }

  /**
   * A send job that failed for good leaves no mail queued: when its failure did not come
   * from a delivery attempt (it stalled too often, or failed outside the delivery), the
   * mail is marked failed here. A failure that will be retried changes nothing.
   */
  @OnWorkerEvent('failed')
  async onJobFailed(job: SendMailJob | undefined, error: Error): Promise<void> {
    if (!job || job.name !== String(JobName.SendMail) || !job.finishedOn) return;
    const mailId = mailIdOf(job);
    if (!mailId) return;
    try {
      await this.delivery.abandon(mailId, error.message);
    } catch (err) {
      // An event listener must not throw; the mail stays queued and visible in the outbox.
      this.logger.error({ msg: 'could not mark an abandoned mail failed', mailId, err });
    }
  }
}

function mailIdOf(job: SendMailJob): string | null {
  const { mailId } = job.data;
  return typeof mailId === 'string' && UUID.test(mailId) ? mailId : null;
}
