import { SetMetadata, applyDecorators } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import type { WorkerOptions } from 'bullmq';
import type { JobName, QueueName } from './queue.constants.js';

export const JOB_HANDLER = Symbol('meridian:job-handler');
export const PROCESSOR_QUEUE = Symbol('meridian:processor-queue');

/** Marks the method that handles one job name. */
export const JobHandler = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER, name);

/**
 * After a failed fetch (the queue backend unreachable) a worker waits this long before
 * trying again. BullMQ's default, 15 s, is also how long closing such a worker can take,
 * because that wait is not interrupted by `close()`; 1 s keeps shutdown and recovery
 * after an outage quick at the cost of one failed round trip per second while it lasts.
 */
export const WORKER_RUN_RETRY_DELAY_MS = 1_000;

/**
 * A BullMQ processor whose worker starts only in the worker roles (APP_ROLE=worker|all);
 * the api role enqueues but never consumes. `options` tune its worker (lock, stall checks).
 */
export const QueueProcessor = (
  queue: QueueName,
  options: Pick<
    WorkerOptions,
    'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'
  > = {},
): ClassDecorator =>
  applyDecorators(
    SetMetadata(PROCESSOR_QUEUE, queue),
    Processor(queue, { runRetryDelay: WORKER_RUN_RETRY_DELAY_MS, ...options, autorun: false }),
  );
