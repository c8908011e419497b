import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { breakWorkerSpins, SPIN_ERRORS_PER_SECOND, SPIN_PAUSE_MS } from './worker-spin-breaker.js';

class FakeWorker extends EventEmitter {
  name = 'mail';
  closing: Promise<void> | null = null;
  paused = 0;
  resumed = 0;
  pause(): Promise<void> {
    this.paused++;
    return Promise.resolve();
  }
  resume(): void {
    this.resumed++;
  }
}

const quiet = new Logger('test');
quiet.warn = () => undefined;

describe('breakWorkerSpins', () => {
  it('leaves a worker alone at the rate of an ordinary outage', () => {
    const worker = new FakeWorker();
    breakWorkerSpins(worker, quiet);
    for (let i = 0; i < 5; i++) worker.emit('error', new Error('connect ECONNRESET'));
    expect(worker.paused).toBe(0);
  });

  it('pauses a worker whose fetch loop spins on errors, once, and resumes it later', async () => {
    const worker = new FakeWorker();
    breakWorkerSpins(worker, quiet);
    for (let i = 0; i < SPIN_ERRORS_PER_SECOND * 3; i++)
      worker.emit(
        'error',
        new Error('Client has encountered a connection error and is not queryable'),
      );
    expect(worker.paused).toBe(1);
    expect(worker.resumed).toBe(0);
    await new Promise((r) => setTimeout(r, SPIN_PAUSE_MS + 200));
    expect(worker.resumed).toBe(1);
  });

  it('does not resume a worker that is closing', async () => {
    const worker = new FakeWorker();
    breakWorkerSpins(worker, quiet);
    for (let i = 0; i < SPIN_ERRORS_PER_SECOND; i++) worker.emit('error', new Error('x'));
    expect(worker.paused).toBe(1);
    worker.closing = Promise.resolve();
    await new Promise((r) => setTimeout(r, SPIN_PAUSE_MS + 200));
    expect(worker.resumed).toBe(0);
  });
});
