import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { APP_CONFIG } from '../config/config.module.js';
import { AppRole, type AppConfig } from '../config/app-config.js';
import { PROCESSOR_QUEUE } from './job-handler.decorator.js';
import { JobProcessor } from './job-processor.js';
import { QueueProducer } from './queue-producer.service.js';
import { breakWorkerSpins } from './worker-spin-breaker.js';
import { logBackendErrors } from './backend-errors.js';
import { JOB_QUEUE, JobName, type QueueName } from './queue.constants.js';

export class JobRegistryError extends Error {
  override name = 'JobRegistryError';
}

/**
 * Checks at start-up that every job name has exactly one handler on the right queue,
 * then starts the workers when this process has a worker role, and stops them first at
 * shutdown.
 */
/** How long start-up waits for the queue backend's connections. */
const READY_WAIT_MS = 10_000;

@Injectable()
export class JobRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly producer: QueueProducer,
  ) {}

  processors(): JobProcessor[] {
    return this.discovery
      .getProviders()
      .map((w) => w.instance as unknown)
      .filter((i): i is JobProcessor => i instanceof JobProcessor);
  }

  verify(processors = this.processors()): void {
    const seen = new Map<string, string[]>();
    const problems: string[] = [];
    for (const processor of processors) {
      const queue = Reflect.getMetadata(PROCESSOR_QUEUE, processor.constructor) as
        QueueName | undefined;
      for (const job of processor.handledJobs().keys()) {
        seen.set(job, [...(seen.get(job) ?? []), processor.constructor.name]);
        const expected = JOB_QUEUE[job as JobName];
        if (!expected) problems.push(`${processor.constructor.name} handles unknown job "${job}"`);
        else if (queue !== expected)
          problems.push(
            `${job} belongs on queue ${expected} but ${processor.constructor.name} consumes ${queue}`,
          );
      }
    }
    for (const job of Object.values(JobName)) {
      const owners = seen.get(job) ?? [];
      if (owners.length === 0) problems.push(`job "${job}" has no handler`);
      if (owners.length > 1)
        problems.push(`job "${job}" has ${owners.length} handlers: ${owners.join(', ')}`);
    }
    if (problems.length > 0)
      throw new JobRegistryError(`Job handlers are wrong:\n  - ${problems.join('\n  - ')}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const processors = this.processors();
    this.verify(processors);
    const api = this.config.role === AppRole.Api;
    // Every queue and worker opens its connection (on the PostgreSQL backend: checks its
    // schema) before the app takes requests, rather than while it serves them, where a
    // dependency that drops meanwhile would fail that set-up with nobody to answer to.
    // Bounded: a backend that is down at start keeps reconnecting on its own.
    const connecting = [
      ...this.producer.all().map((q) => q.waitUntilReady()),
      ...(api ? [] : processors.map((p) => p.worker.waitUntilReady())),
    ];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(connecting),
      new Promise((resolve) => (timer = setTimeout(resolve, READY_WAIT_MS))),
    ]);
    clearTimeout(timer);
    if (api) return;
    for (const processor of processors) {
      logBackendErrors(processor.worker, `worker ${processor.worker.name}`, this.logger);
      breakWorkerSpins(processor.worker, this.logger);
      void processor.worker.run().catch((err: unknown) => this.logger.error(err));
    }
    this.logger.log(`workers started for ${processors.length} queue(s)`);
  }

  /** Workers stop (finishing active jobs) before queues and database pools close. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.processors().map((p) => p.worker.close()));
  }
}
