import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { buildInfo } from './build-info.js';

export const HEARTBEAT_EVERY_MS = 10_000;
/** A replica is listed while its last heartbeat is this recent. */
export const REPLICA_SEEN_MS = 60_000;

/** Every process (api and worker) says it is alive every few seconds, in the database. */
@Injectable()
export class Heartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Heartbeat');
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly startedAt = new Date();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.dataSource
      .query('DELETE FROM app_replicas WHERE id = $1', [this.id])
      .catch(() => undefined);
  }

  async beat(): Promise<void> {
    try {
      await this.dataSource.query(
        `INSERT INTO app_replicas (id, role, hostname, pid, version, started_at, seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
        [this.id, this.config.role, hostname(), process.pid, buildInfo().version, this.startedAt],
      );
      await this.dataSource.query(
        `DELETE FROM app_replicas WHERE seen_at < now() - interval '1 day'`,
      );
    } catch (err) {
      this.logger.debug(`heartbeat not written: ${String(err)}`);
    }
  }
}
