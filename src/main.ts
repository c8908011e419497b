import 'reflect-metadata';
import { createApp } from './bootstrap.js';
import { AppRole, ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createRootLogger } from './core/logging/logger.js';
import { openDatabaseRuntime, type DatabaseRuntime } from './database/database-runtime.js';
import { gracefulShutdown } from './lifecycle.js';

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
  let database: DatabaseRuntime | undefined;
  try {
    database = await openDatabaseRuntime(config, logger);
    const { app, queue } = await createApp(config, logger, database);
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

    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      void gracefulShutdown(app, database!, config, logger, signal).then((ok) => {
        logger.flush();
        process.exit(ok ? 0 : 1);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);

    await app.listen({ port: config.port, host: config.host });
    const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
    logger.info(
      { role: config.role, port: config.port },
      config.role === AppRole.Worker
        ? `Meridian worker started; health at ${base}/health/ready, metrics at ${base}/metrics`
        : `Meridian started at ${base}; API docs at ${base}/docs (document: ${base}/openapi.json)`,
    );
  } catch (err) {
    logger.fatal({ err }, `start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await database?.stop().catch(() => undefined);
    logger.flush();
    process.exit(1);
  }
}

void main();
