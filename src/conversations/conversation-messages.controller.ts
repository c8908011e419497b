import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, type PageDto } from '../core/pagination/page.js';
import { CONVERSATION_NOT_FOUND } from './conversations.controller.js';
import { AddMessageDto, ListMessagesQueryDto, MessageDto } from './dto/message.dto.js';
import { MessagesService } from './messages.service.js';

/** Messages of one of the caller's conversations. */
@ApiTags('conversations')
@ApiBearerAuth('bearer')
@ApiProblems(CONVERSATION_NOT_FOUND)
@Controller('conversations/:conversationId/messages')
export class ConversationMessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @ApiOperation({ summary: 'The messages, oldest first (order=desc: newest first).' })
  @ApiPageResponse(MessageDto)
  listMessages(
    @CurrentPrincipal() principal: Principal,
    @Param('conversationId', ParseUuidPipe) conversationId: string,
    @Query() query: ListMessagesQueryDto,
  ): Promise<PageDto<MessageDto>> {
    return this.messages.list(principal.userId, conversationId, query);
  }

  @Post()
  @ApiOperation({ summary: 'Add a complete message without generating a reply.' })
  @ApiCreatedResponse({ type: MessageDto })
  addMessage(
    @CurrentPrincipal() principal: Principal,
    @Param('conversationId', ParseUuidPipe) conversationId: string,
    @Body() body: AddMessageDto,
  ): Promise<MessageDto> {
    return this.messages.add(principal.userId, conversationId, body);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete every message; the conversation stays, with its counts reset.' })
  @ApiNoContentResponse({ description: 'Cleared' })
  async clearMessages(
    @CurrentPrincipal() principal: Principal,
    @Param('conversationId', ParseUuidPipe) conversationId: string,
  ): Promise<void> {
    await this.messages.clear(principal.userId, conversationId);
  }
}
