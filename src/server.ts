import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from './bootstrap.js';
import { AppRole, ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createRootLogger } from './core/logging/logger.js';
import { openDatabaseRuntime, type DatabaseRuntime } from './database/database-runtime.js';
import { gracefulShutdown, stopDuringStartup } from './lifecycle.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createRootLogger(config);
  const exit = (ok: boolean): never => {
    logger.flush();
    process.exit(ok ? 0 : 1);
  };
  let database: DatabaseRuntime | undefined;
  let app: NestFastifyApplication | undefined;
  let serving = false;
  let signalled: NodeJS.Signals | undefined;

  // SIGTERM (orchestrators, `npm start` forwarding it) and SIGINT (Ctrl-C, which reaches
  // the whole process group; the embedded PostgreSQL runs in a group of its own) stop
  // alike. A signal during start-up stops once the current start-up step has ended.
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = signal;
    if (serving) {
      void gracefulShutdown(app!, database!, config, logger, signal).then(exit);
      return;
    }
    logger.info({ signal }, 'stop requested during start-up: stopping after the current step');
    setTimeout(() => {
      logger.error(
        { timeoutMs: config.shutdown.timeoutMs },
        'shutdown did not finish within SHUTDOWN_TIMEOUT_MS',
      );
      exit(false);
    }, config.shutdown.timeoutMs);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const interrupted = () => signalled !== undefined && !serving;

  try {
    database = await openDatabaseRuntime(config, logger);
    if (interrupted()) return exit(await stopDuringStartup(app, database, logger, signalled!));
    const created = await createApp(config, logger, database);
    app = created.app;
    if (interrupted()) return exit(await stopDuringStartup(app, database, logger, signalled!));
    const { queue } = created;
    logger.info(
      { backend: queue.kind },
      queue.kind === 'redis'
        ? 'jobs: BullMQ on Redis (REDIS_URL)'
        : 'jobs: BullMQ on its PostgreSQL backend (REDIS_URL unset), schema "bullmq"',
    );
    const { auth } = config;
    logger.info(
      {
        localIssuer: auth.localAccounts ? auth.localIssuer : undefined,
        oidcIssuer: auth.oidcIssuer,
        audience: auth.audience,
      },
      `identity: ${[
        auth.oidcIssuer ? 'Keycloak/OIDC tokens (OIDC_ISSUER_URL)' : undefined,
        auth.localAccounts ? 'built-in issuer with local accounts' : undefined,
      ]
        .filter(Boolean)
        .join(' and ')}; registration ${auth.registrationMode}`,
    );

    await app.listen({ port: config.port, host: config.host });
    serving = true;
    if (signalled) {
      return exit(await gracefulShutdown(app, database, config, logger, signalled));
    }
    const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
    logger.info(
      { role: config.role, port: config.port, host: config.host },
      config.role === AppRole.Worker
        ? `Meridian worker started; health at ${base}/health/ready, metrics at ${base}/metrics`
        : `Meridian started at ${base}; API docs at ${base}/docs (document: ${base}/openapi.json)`,
    );
  } catch (err) {
    logger.fatal({ err }, `start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await app?.close().catch(() => undefined);
    await database?.stop().catch(() => undefined);
    exit(false);
  }
}

void main();
