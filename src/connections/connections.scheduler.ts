import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppRole, type AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { JobName } from '../queue/queue.constants.js';

/** Registers the health sweep every CONNECTION_HEALTH_INTERVAL_MS (idempotent upsert). */
@Injectable()
export class ConnectionsScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === AppRole.Api) return;
    await this.producer.schedule(
      JobName.ConnectionsHealthSweep,
      this.config.connections.healthIntervalMs,
    );
  }
}
