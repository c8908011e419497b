import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino, type Logger } from 'pino';
import { createApp, type CreateAppOptions } from '../../src/bootstrap.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import type { DatabaseRuntime } from '../../src/database/database-runtime.js';
import type { QueueConnection } from '../../src/queue/queue-connection.js';
import { buildOpenApiDocument } from '../../src/openapi-document.js';
import { OpenApiContract, type OpenApiDocument } from '../support/openapi-contract.js';
import {
  createDatabaseFromTemplate,
  dropDatabase,
  uniqueName,
  withDatabase,
} from './test-database.js';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  queue: QueueConnection;
  database: DatabaseRuntime;
  databaseName: string;
  baseUrl: string;
  logger: Logger;
  /**
   * fetch against the running server; every response is checked against the committed
   * openapi.json (status, headers, content type, body; SSE events in readSse).
   */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Closes the app (unless already closed elsewhere) and drops its database. */
  close(options?: { appClosed?: boolean }): Promise<void>;
}

export function testServerUrl(): string {
  const url = process.env.MERIDIAN_TEST_SERVER_URL;
  if (!url) throw new Error('The e2e global setup did not run');
  return url;
}

/**
 * Boots the real application on its own database (a copy of the migrated template) and
 * a free loopback port; with TEST_REDIS_URL set, BullMQ runs on that Redis under a
 * prefix of its own.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  imports: NonNullable<CreateAppOptions['imports']> = [],
  options: { logStream?: NodeJS.WritableStream } = {},
): Promise<TestApp> {
  const serverUrl = testServerUrl();
  // env.DATABASE_URL: a second application on an existing test database (not dropped here)
  const ownDatabase = env.DATABASE_URL === undefined;
  const databaseName = ownDatabase
    ? await createDatabaseFromTemplate(serverUrl, process.env.MERIDIAN_TEST_TEMPLATE!)
    : new URL(env.DATABASE_URL).pathname.slice(1);
  const url = env.DATABASE_URL ?? withDatabase(serverUrl, databaseName);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '4',
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    QUEUE_PREFIX: uniqueName('mt'),
    PORT: '0',
    HOST: '127.0.0.1',
    SHUTDOWN_GRACE_MS: '0',
    ENCRYPTION_KEYS: `test1:${randomBytes(32).toString('base64')}`,
    ...env,
  });
  const logger = options.logStream
    ? pino({ level: config.log.level }, options.logStream)
    : pino({ level: config.log.level });
  const database: DatabaseRuntime = { mode: 'external', url, stop: async () => undefined };
  const { app, queue } = await createApp(config, logger, database, { imports });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const contract = OpenApiContract.forApp(buildOpenApiDocument(app) as unknown as OpenApiDocument);
  let closed = false;
  return {
    app,
    config,
    queue,
    database,
    databaseName,
    baseUrl,
    logger,
    request: async (path, init) => {
      const response = await fetch(baseUrl + path, init);
      await contract.check(init?.method ?? 'GET', path, response);
      return response;
    },
    close: async (options) => {
      if (closed) return;
      closed = true;
      if (!options?.appClosed) await app.close();
      if (ownDatabase) await dropDatabase(serverUrl, databaseName);
    },
  };
}
