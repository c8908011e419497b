import { WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { JOB_HANDLER } from './job-handler.decorator.js';

type Handler = (job: Job) => Promise<unknown>;

/**
 * Base of every processor: dispatches a job to the method marked @JobHandler(job.name).
 * Processors stay thin: check the payload, call a service.
 */
export abstract class JobProcessor extends WorkerHost {
  private handlers?: Map<string, Handler>;

  handledJobs(): Map<string, Handler> {
    if (!this.handlers) {
      this.handlers = new Map();
      const proto = Object.getPrototypeOf(this) as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const method = proto[key];
        if (typeof method !== 'function') continue;
        const name = Reflect.getMetadata(JOB_HANDLER, method) as string | undefined;
        if (name) this.handlers.set(name, (method as Handler).bind(this));
      }
    }
    return this.handlers;
  }

  async process(job: Job): Promise<unknown> {
    const handler = this.handledJobs().get(job.name);
    if (!handler)
      throw new UnrecoverableError(`No handler for job ${job.name} on ${job.queueName}`);
    return handler(job);
  }
}
