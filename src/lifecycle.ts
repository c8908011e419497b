import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from './config/app-config.js';
import { ShutdownState } from './core/http/shutdown-state.js';
import type { DatabaseRuntime } from './database/database-runtime.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Graceful stop: readiness turns 503 at once; after SHUTDOWN_GRACE_MS (time for load
 * balancers to notice) the listener closes and in-flight requests finish; workers,
 * pools and the embedded server stop. Resolves true when everything closed within
 * SHUTDOWN_TIMEOUT_MS.
 */
export async function gracefulShutdown(
  app: INestApplication,
  database: DatabaseRuntime,
  config: AppConfig,
  logger: Logger,
  signal = 'SIGTERM',
): Promise<boolean> {
  app.get(ShutdownState).begin();
  logger.info({ signal, graceMs: config.shutdown.graceMs }, 'shutting down: readiness is now 503');
  const work = (async () => {
    await sleep(config.shutdown.graceMs);
    await app.close();
    await database.stop();
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), config.shutdown.timeoutMs);
  });
  try {
    const finished = await Promise.race([work.then(() => true as const), timeout]);
    if (finished) logger.info('shutdown complete');
    else {
      logger.error(
        { timeoutMs: config.shutdown.timeoutMs },
        'shutdown did not finish within SHUTDOWN_TIMEOUT_MS',
      );
      (app.getHttpServer() as import('node:http').Server).closeAllConnections?.();
    }
    return finished;
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A stop asked for before Meridian served anything (a signal during start-up): no grace
 * delay; whatever was already started closes, the embedded database last. The caller
 * bounds it by SHUTDOWN_TIMEOUT_MS from the signal on.
 */
export async function stopDuringStartup(
  app: INestApplication | undefined,
  database: DatabaseRuntime | undefined,
  logger: Logger,
  signal: string,
): Promise<boolean> {
  logger.info({ signal }, 'stopping before start-up finished');
  try {
    await app?.close();
    await database?.stop();
    logger.info('shutdown complete');
    return true;
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    return false;
  }
}
