import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUE, QueueName, type JobName } from './queue.constants.js';

/** Payloads carry ids, never records; the record of truth stays in PostgreSQL. */
export type JobPayload = Record<string, string | number | boolean | null | string[]>;

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The one way features enqueue work. */
@Injectable()
export class QueueProducer {
  private readonly queues: Map<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectQueue(QueueName.Mail) mail: Queue,
    @InjectQueue(QueueName.Conversations) conversations: Queue,
  ) {
    this.queues = new Map([
      [QueueName.Maintenance, maintenance],
      [QueueName.Mail, mail],
      [QueueName.Conversations, conversations],
    ]);
  }

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Queue ${name} is not registered`);
    return queue;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  /** Enqueues a job; a `jobId` makes the enqueue idempotent. */
  async enqueue(name: JobName, payload: JobPayload, options: JobsOptions = {}): Promise<string> {
    const job = await this.queue(JOB_QUEUE[name]).add(name, payload, {
      ...DEFAULT_JOB_OPTIONS,
      ...options,
    });
    return job.id ?? '';
  }

  /** Creates or updates a repeating job (BullMQ job scheduler). */
  async schedule(name: JobName, everyMs: number, payload: JobPayload = {}): Promise<void> {
    await this.queue(JOB_QUEUE[name]).upsertJobScheduler(
      name,
      { every: everyMs },
      {
        name,
        data: payload,
        opts: {
          removeOnComplete: DEFAULT_JOB_OPTIONS.removeOnComplete,
          removeOnFail: DEFAULT_JOB_OPTIONS.removeOnFail,
        },
      },
    );
  }
}
