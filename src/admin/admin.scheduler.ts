import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import { AppRole, type AppConfig } from '../config/app-config.js';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { JobName } from '../queue/queue.constants.js';
import { STATS_ROLLUP_EVERY_MS } from './stats/stats-rollup.service.js';

export const AUDIT_RETENTION_EVERY_MS = 24 * 3600 * 1000;

/** The admin console's repeating jobs: the statistics rollup and audit retention. */
@Injectable()
export class AdminScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === AppRole.Api) return;
    await this.producer.schedule(JobName.StatsRollup, STATS_ROLLUP_EVERY_MS);
    await this.producer.schedule(JobName.AuditRetention, AUDIT_RETENTION_EVERY_MS);
  }
}
