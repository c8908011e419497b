import type { Logger } from '@nestjs/common';

/** Errors from one worker within one second that mean its fetch loop is spinning. */
export const SPIN_ERRORS_PER_SECOND = 200;
/** How long a spinning worker rests before it fetches again. */
export const SPIN_PAUSE_MS = 1_000;

interface PausableWorker {
  name: string;
  closing?: Promise<void> | null;
  on(event: 'error', listener: (err: Error) => void): unknown;
  pause(doNotWaitActive?: boolean): Promise<void>;
  resume(): Promise<void> | void;
}

/**
 * BullMQ's worker retries a failed fetch after `runRetryDelay` only for the errors it
 * takes for connection errors (ECONNREFUSED, "Connection is closed."). Any other error
 * that a fetch meets at once, without I/O (a PostgreSQL client or pool that can no longer
 * be used, for instance after the database went away), is emitted and the loop fetches
 * again immediately: a loop of settled promises that holds the event loop, so no timer,
 * request or shutdown runs again. This watches the worker's error rate and, when it
 * spins, pauses it (which ends the loop) and resumes it a second later.
 */
export function breakWorkerSpins(worker: PausableWorker, logger: Logger): void {
  let windowStart = 0;
  let count = 0;
  let resting = false;
  worker.on('error', (err: Error) => {
    if (resting || worker.closing) return;
    const now = Date.now();
    if (now - windowStart > 1_000) {
      windowStart = now;
      count = 0;
    }
    if (++count < SPIN_ERRORS_PER_SECOND) return;
    resting = true;
    logger.warn(
      `worker ${worker.name}: ${count} fetch errors within a second (${err.message}); pausing it for ${SPIN_PAUSE_MS} ms`,
    );
    void worker.pause(true).catch(() => undefined);
    setTimeout(() => {
      resting = false;
      count = 0;
      if (!worker.closing) void Promise.resolve(worker.resume()).catch(() => undefined);
    }, SPIN_PAUSE_MS).unref();
  });
}
