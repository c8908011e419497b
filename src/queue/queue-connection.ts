import { Redis, type RedisOptions } from 'ioredis';
import {
  createPostgresBackend,
  createRedisBackend,
  setDefaultBackendFactory,
  type ConnectionOptions,
} from 'bullmq';
import type { AppConfig } from '../config/app-config.js';

export type QueueBackendKind = 'redis' | 'postgres';

export const BULLMQ_PG_SCHEMA = 'bullmq';

/** Parses a redis:// URL into ioredis options, as BullMQ workers need them. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const probe = new Redis(url, { lazyConnect: true });
  const options = { ...probe.options };
  probe.disconnect();
  return { ...options, maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false };
}

export interface QueueConnection {
  kind: QueueBackendKind;
  connection: ConnectionOptions;
  prefix: string;
}

/**
 * BullMQ on Redis when REDIS_URL is set, otherwise BullMQ's PostgreSQL backend in the
 * application database (schema `bullmq`). Sets the process-wide backend factory that
 * every Queue and Worker uses.
 */
export function queueConnection(config: AppConfig, databaseUrl: string): QueueConnection {
  if (config.queue.redisUrl) {
    setDefaultBackendFactory(createRedisBackend);
    return {
      kind: 'redis',
      connection: redisOptionsFromUrl(config.queue.redisUrl) as ConnectionOptions,
      prefix: config.queue.prefix,
    };
  }
  setDefaultBackendFactory(createPostgresBackend as never);
  return {
    kind: 'postgres',
    connection: {
      connectionString: databaseUrl,
      schema: BULLMQ_PG_SCHEMA,
      migrate: true,
      max: 2,
      application_name: 'meridian-queue',
    },
    prefix: config.queue.prefix,
  };
}
