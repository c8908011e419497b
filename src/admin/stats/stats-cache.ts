import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';

export interface CachedAnswer {
  etag: string;
  body: string;
}

const MAX_LOCAL_ENTRIES = 1_000;

/**
 * Computed statistics answers for STATS_CACHE_TTL_MS, with their ETag: in Redis when
 * REDIS_URL is set (every replica shares them), otherwise in this process. A Redis that
 * does not answer within 250 ms is skipped (the answer is computed), never waited for.
 * Concurrent misses of one key share one computation.
 */
@Injectable()
export class StatsCache implements OnApplicationShutdown {
  private readonly logger = new Logger('StatsCache');
  private readonly local = new Map<string, CachedAnswer & { until: number }>();
  private readonly inflight = new Map<string, Promise<CachedAnswer>>();
  private readonly redis?: Redis;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.prefix = `${config.queue.prefix}:stats:`;
    if (config.queue.redisUrl) {
      this.redis = new Redis(config.queue.redisUrl, {
        lazyConnect: true,
        connectTimeout: 1_000,
        commandTimeout: 250,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      });
      this.redis.on('error', (err: Error) => this.logger.debug(`redis: ${err.message}`));
      void this.redis.connect().catch(() => undefined);
    }
  }

  get backend(): 'redis' | 'memory' {
    return this.redis ? 'redis' : 'memory';
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }

  /** The cached answer for `key`, or `compute()`'s (then cached). */
  async get(key: string, compute: () => Promise<unknown>): Promise<CachedAnswer> {
    const ttl = this.config.admin.statsCacheTtlMs;
    if (ttl > 0) {
      const hit = await this.read(key);
      if (hit) return hit;
    }
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = (async () => {
        const body = JSON.stringify(await compute());
        const answer = {
          body,
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        };
        if (ttl > 0) await this.write(key, answer, ttl);
        return answer;
      })().finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async read(key: string): Promise<CachedAnswer | undefined> {
    if (this.redis) {
      try {
        const raw = await this.redis.get(this.prefix + key);
        return raw ? (JSON.parse(raw) as CachedAnswer) : undefined;
      } catch {
        return undefined;
      }
    }
    const entry = this.local.get(key);
    if (entry && entry.until > Date.now()) return entry;
    if (entry) this.local.delete(key);
    return undefined;
  }

  private async write(key: string, answer: CachedAnswer, ttl: number): Promise<void> {
    if (this.redis) {
      try {
        await this.redis.set(this.prefix + key, JSON.stringify(answer), 'PX', ttl);
      } catch {
        // an unreachable cache only costs a recomputation
      }
      return;
    }
    if (this.local.size >= MAX_LOCAL_ENTRIES) this.local.clear();
    this.local.set(key, { ...answer, until: Date.now() + ttl });
  }
}
