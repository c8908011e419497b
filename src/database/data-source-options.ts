import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

export const MIGRATIONS_TABLE = 'schema_migrations';

/** The one TypeORM configuration, used by the app, the migration CLI and the tests. */
export function dataSourceOptions(
  url: string,
  db: Pick<DatabaseConfig, 'poolSize' | 'statementTimeoutMs' | 'connectTimeoutMs'>,
  applicationName = 'meridian',
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    // Failed queries surface as exceptions (and 5xx are logged by the problem filter);
    // constraint violations a service handles are not errors worth a log line.
    logging: ['warn', 'migration'],
    poolSize: db.poolSize,
    connectTimeoutMS: db.connectTimeoutMs,
    applicationName,
    extra: {
      statement_timeout: db.statementTimeoutMs || undefined,
      idleTimeoutMillis: 30_000,
    },
  };
}
