import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Conversation } from './conversation.entity.js';
import { ConversationsProcessor } from './conversations.processor.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsScheduler } from './conversations.scheduler.js';
import { EmptyConversationsCleanupService } from './empty-conversations-cleanup.service.js';

/**
 * The conversations queue's worker and its hourly schedule: mounted in every role, since
 * workers run the jobs. The HTTP API is ConversationsModule (api roles only).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Conversation])],
  providers: [
    ConversationsRepository,
    EmptyConversationsCleanupService,
    ConversationsProcessor,
    ConversationsScheduler,
  ],
})
export class ConversationsJobsModule {}
