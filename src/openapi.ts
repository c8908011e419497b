// Writes openapi.json from the code without a database or a port: `npm run openapi`;
// `npm run openapi:check` fails when the committed document differs.
import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { pino } from 'pino';
import { createApp } from './bootstrap.js';
import { loadConfig } from './config/app-config.js';
import { buildOpenApiDocument, stableJson } from './openapi-document.js';

async function main(): Promise<number> {
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    APP_ROLE: 'api',
    DOCS_ENABLED: 'false',
  });
  const logger = pino({ level: 'silent' });
  const { app } = await createApp(
    config,
    logger,
    {
      mode: 'external',
      url: 'postgres://preview@127.0.0.1:1/preview',
      stop: async () => undefined,
    },
    { preview: true },
  );
  const json = stableJson(buildOpenApiDocument(app));
  const target = 'openapi.json';
  if (process.argv.includes('--check')) {
    const committed = await readFile(target, 'utf8').catch(() => '');
    if (committed !== json) {
      console.error('openapi.json is out of date: run `npm run openapi` and commit the result.');
      return 1;
    }
    console.log('openapi.json matches the code.');
    return 0;
  }
  await writeFile(target, json);
  console.log(`Wrote ${target}.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
