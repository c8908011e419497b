import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, type Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import { AppRole, type AppConfig } from '../config/app-config.js';
import { WorkerHeartbeat } from './worker-heartbeat.entity.js';

export const HEARTBEAT_EVERY_MS = 15_000;
export const RECENT_MS = 60_000;

/** Worker replicas record that they are alive, so health can say how many run. */
@Injectable()
export class WorkerHeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MigrationWorkers');
  private readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly startedAt = new Date();
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(WorkerHeartbeat) private readonly rows: Repository<WorkerHeartbeat>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === AppRole.Api) return;
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.rows.delete({ id: this.id }).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      await this.rows.upsert({ id: this.id, seenAt: new Date(), startedAt: this.startedAt }, [
        'id',
      ]);
      await this.rows.delete({ seenAt: LessThan(new Date(Date.now() - 86_400_000)) });
    } catch (err) {
      this.logger.warn(
        `heartbeat not recorded: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  recent(): Promise<WorkerHeartbeat[]> {
    return this.rows.find({
      where: { seenAt: MoreThan(new Date(Date.now() - RECENT_MS)) },
      order: { seenAt: 'DESC' },
      take: 100,
    });
  }
}
