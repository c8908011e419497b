import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { queueUnavailable } from '../core/errors/dependency-errors.js';
import { logBackendErrors } from './backend-errors.js';
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

/** How long an enqueue may wait for the backend before the request gets a 503. */
export const ENQUEUE_TIMEOUT_MS = 2_000;

/** The one way features enqueue work. */
@Injectable()
export class QueueProducer {
  private readonly queues: Map<QueueName, Queue>;
  private readonly logger = new Logger('Queue');

  constructor(
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectQueue(QueueName.Mail) mail: Queue,
    @InjectQueue(QueueName.Conversations) conversations: Queue,
    @InjectQueue(QueueName.Migrations) migrations: Queue,
    @InjectQueue(QueueName.Connections) connections: Queue,
    @InjectQueue(QueueName.Encryption) encryption: Queue,
    @InjectQueue(QueueName.Admin) admin: Queue,
    @InjectQueue(QueueName.Analysis) analysis: Queue,
  ) {
    this.queues = new Map([
      [QueueName.Maintenance, maintenance],
      [QueueName.Mail, mail],
      [QueueName.Conversations, conversations],
      [QueueName.Migrations, migrations],
      [QueueName.Connections, connections],
      [QueueName.Encryption, encryption],
      [QueueName.Admin, admin],
      [QueueName.Analysis, analysis],
    ]);
    for (const [name, queue] of this.queues) logBackendErrors(queue, `queue ${name}`, this.logger);
  }

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Queue ${name} is not registered`);
    return queue;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  /**
   * Enqueues a job; a `jobId` makes the enqueue idempotent. When the backend cannot take
   * it within ENQUEUE_TIMEOUT_MS (Redis or PostgreSQL unreachable) this throws a 503
   * QUEUE_UNAVAILABLE instead of holding the request open; the caller must treat the
   * work as not done (an enqueue that was still in flight may land later, which is
   * harmless because processors are idempotent and check their row's status).
   */
  async enqueue(name: JobName, payload: JobPayload, options: JobsOptions = {}): Promise<string> {
    const add = this.queue(JOB_QUEUE[name]).add(name, payload, {
      ...DEFAULT_JOB_OPTIONS,
      ...options,
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`enqueue took longer than ${ENQUEUE_TIMEOUT_MS} ms`)),
        ENQUEUE_TIMEOUT_MS,
      );
    });
    try {
      const job = await Promise.race([add, timeout]);
      return job.id ?? '';
    } catch (err) {
      add.catch(() => undefined);
      this.logger.warn(
        `could not enqueue ${name}: ${err instanceof Error ? err.message : String(err)}`,
      );
      throw queueUnavailable(err);
    } finally {
      clearTimeout(timer);
    }
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
