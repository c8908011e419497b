import { Module } from '@nestjs/common';
import { AgentsModule } from '../../agents/agents.module.js';
import { LlmModule } from '../../agents/llm/llm.module.js';
import { ConversationsModule } from '../conversations.module.js';
import { ChatController } from './chat.controller.js';
import { ChatRepository } from './chat.repository.js';
import { ChatService } from './chat.service.js';
import { ChatStreams } from './chat-streams.registry.js';
import { TitleService } from './title.service.js';

/** Streaming chat: POST /api/v1/conversations/{id}/chat. */
@Module({
  imports: [ConversationsModule, AgentsModule, LlmModule],
  controllers: [ChatController],
  providers: [ChatService, ChatRepository, ChatStreams, TitleService],
})
export class ChatModule {}
