// The TypeORM DataSource for the TypeORM CLI (run it against the compiled file:
// `npx typeorm -d dist/ormconfig.js migration:show`). It needs DATABASE_URL; the
// npm scripts (`npm run migration:run` etc.) also work with the embedded database.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config.js';
import { dataSourceOptions } from './src/database/data-source-options.js';

const config = loadConfig();
if (!config.database.url) {
  throw new Error('DATABASE_URL must be set to use the TypeORM CLI; or use `npm run migration:*`');
}

export default new DataSource(
  dataSourceOptions(config.database.url, config.database, 'meridian-cli'),
);
