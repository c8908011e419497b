import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppRole, type AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { JobName } from '../queue/queue.constants.js';

export const CLEAN_EMPTY_CONVERSATIONS_EVERY_MS = 3600 * 1000;

/** Registers the hourly empty-conversation cleanup (idempotent: upserts the scheduler). */
@Injectable()
export class ConversationsScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === AppRole.Api) return;
    await this.producer.schedule(
      JobName.CleanEmptyConversations,
      CLEAN_EMPTY_CONVERSATIONS_EVERY_MS,
    );
  }
}
