import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { UsersModule } from '../users/users.module.js';
import { AgentConversationsController } from './agent-conversations.controller.js';
import { ConversationMessagesController } from './conversation-messages.controller.js';
import { Conversation } from './conversation.entity.js';
import { ConversationsUserDeletionHook } from './conversations-user-deletion.hook.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import { Message } from './message.entity.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';

/**
 * Conversations and their messages over HTTP (api roles), and the services the chat
 * builds on: ConversationsService (getOwned, setSystemTitle) and MessagesService
 * (appendMessage, updateMessage, history). The cleanup job: ConversationsJobsModule.
 */
@Module({
  imports: [UsersModule, AgentsModule, TypeOrmModule.forFeature([Conversation, Message])],
  controllers: [
    ConversationsController,
    ConversationMessagesController,
    AgentConversationsController,
  ],
  providers: [
    ConversationsRepository,
    MessagesRepository,
    ConversationsService,
    MessagesService,
    ConversationsUserDeletionHook,
  ],
  exports: [ConversationsService, MessagesService],
})
export class ConversationsModule {}
