import type { Logger } from '@nestjs/common';

const REPEAT_AFTER_MS = 30_000;

interface ErrorEmitter {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * Gives a BullMQ queue or worker an error listener: without one BullMQ prints every
 * connection error with its stack. An outage becomes one warning per queue or worker
 * every 30 s while it lasts; BullMQ keeps reconnecting on its own.
 */
export function logBackendErrors(emitter: ErrorEmitter, label: string, logger: Logger): void {
  let lastLogged = 0;
  emitter.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLogged < REPEAT_AFTER_MS) return;
    lastLogged = now;
    const code = (err as { code?: unknown }).code;
    const reason = typeof code === 'string' ? `${code}: ${err.message}` : err.message;
    logger.warn(`${label}: queue backend error (${reason}); retrying`);
  });
}
