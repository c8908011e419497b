import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job, Queue } from 'bullmq';
import { JobRegistry } from '../../src/queue/job-registry.js';
import { QueueProducer } from '../../src/queue/queue-producer.service.js';
import { JobName, QueueName } from '../../src/queue/queue.constants.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

async function waitForState(
  queue: Queue,
  id: string,
  states: string[],
  timeoutMs = 15_000,
): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.getJob(id);
    // The job is read again once it is in the state: the first read may predate it
    // (a completed job read while still active has no return value yet).
    if (job && states.includes(await job.getState())) return (await queue.getJob(id)) ?? job;
    if (Date.now() > deadline)
      throw new Error(`job ${id} did not reach ${states.join('/')} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('jobs (BullMQ on the configured backend)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('uses the backend the environment selects', () => {
    expect(t.queue.kind).toBe(process.env.TEST_REDIS_URL ? 'redis' : 'postgres');
  });

  it('registers the repeating maintenance job scheduler at start', async () => {
    const queue = t.app.get(QueueProducer).queue(QueueName.Maintenance);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key ?? s.name)).toContain(JobName.CleanQueues);
  });

  it('processes an enqueued job and cleans finished jobs past retention', async () => {
    const producer = t.app.get(QueueProducer);
    const queue = producer.queue(QueueName.Maintenance);
    const first = await producer.enqueue(JobName.CleanQueues, {});
    const done = await waitForState(queue, first, ['completed']);
    expect(done.returnvalue).toEqual({ completed: expect.any(Number), failed: 0 });

    const second = await producer.enqueue(JobName.CleanQueues, { completedAfterMs: 0 });
    const cleaned = await waitForState(queue, second, ['completed']);
    expect((cleaned.returnvalue as { completed: number }).completed).toBeGreaterThanOrEqual(1);
    expect(await queue.getJob(first)).toBeUndefined();
  });

  it('makes an enqueue with the same jobId idempotent', async () => {
    const producer = t.app.get(QueueProducer);
    const a = await producer.enqueue(JobName.CleanQueues, {}, { jobId: 'clean-once' });
    const b = await producer.enqueue(JobName.CleanQueues, {}, { jobId: 'clean-once' });
    expect(a).toBe('clean-once');
    expect(b).toBe('clean-once');
  });
});

describe('roles', () => {
  it('api role enqueues but never consumes', async () => {
    const t = await startTestApp({ APP_ROLE: 'api' });
    try {
      const producer = t.app.get(QueueProducer);
      const id = await producer.enqueue(JobName.CleanQueues, {});
      await new Promise((r) => setTimeout(r, 1500));
      const job = await producer.queue(QueueName.Maintenance).getJob(id);
      expect(await job!.getState()).toBe('waiting');
      expect((await t.request('/openapi.json')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('worker role serves only health and metrics over HTTP, and consumes jobs', async () => {
    const t = await startTestApp({ APP_ROLE: 'worker' });
    try {
      expect((await t.request('/health/ready')).status).toBe(200);
      expect((await t.request('/metrics')).status).toBe(200);
      expect((await t.request('/openapi.json')).status).toBe(404);
      expect((await t.request('/docs')).status).toBe(404);
      const producer = t.app.get(QueueProducer);
      const id = await producer.enqueue(JobName.CleanQueues, {});
      await waitForState(producer.queue(QueueName.Maintenance), id, ['completed']);
    } finally {
      await t.close();
    }
  });

  it('refuses to start when a job name has no handler or two', () => {
    const t = { processors: () => [] } as unknown as JobRegistry;
    expect(() => JobRegistry.prototype.verify.call(t, [])).toThrow(
      /maintenance.clean-queues" has no handler/,
    );
  });
});
