import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import { AppRole, type AppConfig } from '../config/app-config.js';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { JobName } from '../queue/queue.constants.js';

export const CLEAN_QUEUES_EVERY_MS = 3600 * 1000;

/** Registers the repeating maintenance jobs (idempotent: upserts the schedulers). */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === AppRole.Api) return;
    await this.producer.schedule(JobName.CleanQueues, CLEAN_QUEUES_EVERY_MS);
  }
}
