import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ConversationsRepository } from './conversations.repository.js';

const BATCH = 1000;

export interface EmptyConversationsCleanupResult {
  deleted: number;
}

/**
 * Deletes conversations that never got a message (or were cleared) and saw no activity for
 * EMPTY_CONVERSATION_TTL_HOURS: "new chat" screens left unused. Idempotent.
 */
@Injectable()
export class EmptyConversationsCleanupService {
  private readonly logger = new Logger('ConversationsCleanup');

  constructor(
    private readonly conversations: ConversationsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async clean(now = new Date()): Promise<EmptyConversationsCleanupResult> {
    const before = new Date(now.getTime() - this.config.chat.emptyConversationTtlHours * 3600_000);
    let deleted = 0;
    for (;;) {
      const removed = await this.conversations.deleteEmptyInactive(before, BATCH);
      deleted += removed;
      if (removed < BATCH) break;
    }
    if (deleted > 0) this.logger.log({ msg: 'deleted empty conversations', deleted });
    return { deleted };
  }
}
