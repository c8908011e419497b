import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { redactUrl } from '../core/logging/logger.js';
import { EMBEDDED_DATABASE_NAME, startEmbeddedPostgres } from './embedded-postgres.js';

/** The PostgreSQL the process uses: the configured server, or the embedded one it started. */
export interface DatabaseRuntime {
  mode: 'external' | 'embedded';
  url: string;
  stop(): Promise<void>;
}

export async function openDatabaseRuntime(
  config: AppConfig,
  logger: Logger,
): Promise<DatabaseRuntime> {
  if (config.database.url) {
    logger.info(
      { database: redactUrl(config.database.url) },
      'database: external PostgreSQL (DATABASE_URL)',
    );
    return { mode: 'external', url: config.database.url, stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    port: config.database.embeddedPort,
    logger,
  });
  logger.info(
    { dataDir: config.dataDir, port: server.port },
    'database: embedded PostgreSQL (DATABASE_URL unset), data under DATA_DIR',
  );
  return {
    mode: 'embedded',
    url: `${server.url}/${EMBEDDED_DATABASE_NAME}`,
    stop: () => server.stop(),
  };
}
