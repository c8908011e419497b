import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { AgentErrorCode } from '../agents/agents.errors.js';
import { ConversationErrorCode } from './conversations.errors.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, type PageDto } from '../core/pagination/page.js';
import { ConversationsService } from './conversations.service.js';
import {
  ConversationDto,
  CreateConversationDto,
  ListConversationsQueryDto,
  RenameConversationDto,
} from './dto/conversation.dto.js';

export const CONVERSATION_NOT_FOUND = {
  404: {
    [ConversationErrorCode.NotFound]: "No such conversation, or it is not the caller's.",
  },
};

const AGENT_USABLE = {
  404: { [AgentErrorCode.NotFound]: 'No agent with this id.' },
  403: {
    [AgentErrorCode.Disabled]: 'An administrator disabled the agent.',
    [AgentErrorCode.PremiumRequired]:
      'A premium agent, and the caller has neither the premium role nor a grant.',
  },
};

/** The caller's conversations with agents. Messages: ConversationMessagesController. */
@ApiTags('conversations')
@ApiBearerAuth('bearer')
@Controller('conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Post()
  @ApiOperation({ summary: 'Start a conversation with an agent the caller may use.' })
  @ApiCreatedResponse({ type: ConversationDto })
  @ApiProblems(AGENT_USABLE)
  createConversation(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateConversationDto,
  ): Promise<ConversationDto> {
    return this.conversations.create(principal, body.agentId, body.title);
  }

  @Get()
  @ApiOperation({
    summary:
      "The caller's conversations, most recent activity first; filter by agent or title text.",
  })
  @ApiPageResponse(ConversationDto)
  listConversations(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListConversationsQueryDto,
  ): Promise<PageDto<ConversationDto>> {
    return this.conversations.list(principal.userId, query);
  }

  @Get(':conversationId')
  @ApiOperation({ summary: "One of the caller's conversations." })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(CONVERSATION_NOT_FOUND)
  getConversation(
    @CurrentPrincipal() principal: Principal,
    @Param('conversationId', ParseUuidPipe) conversationId: string,
  ): Promise<ConversationDto> {
    return this.conversations.get(principal.userId, conversationId);
  }

  @Patch(':conversationId')
  @ApiOperation({
    summary: 'Rename the conversation (a user title is never replaced automatically).',
  })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(CONVERSATION_NOT_FOUND)
  renameConversation(
    @CurrentPrincipal() principal: Principal,
    @Param('conversationId', ParseUuidPipe) conversationId: string,
    @Body() body: RenameConversationDto,
  ): Promise<ConversationDto> {
    return this.conversations.rename(principal.userId, conversationId, body.title);
  }

  @Put(':conversationId')
  @ApiOperation({
    summary:
      'Replace the conversation (its title: the only field a user sets; a user title is never replaced automatically).',
  })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(CONVERSATION_NOT_FOUND)
  replaceConversationTitle(
    @CurrentPrincipal() principal: Principal,
    @Param('conversationId', ParseUuidPipe) conversationId: string,
    @Body() body: RenameConversationDto,
  ): Promise<ConversationDto> {
    return this.conversations.rename(principal.userId, conversationId, body.title);
  }

  @Delete(':conversationId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the conversation and its messages.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(CONVERSATION_NOT_FOUND)
  async deleteConversation(
    @CurrentPrincipal() principal: Principal,
    @Param('conversationId', ParseUuidPipe) conversationId: string,
  ): Promise<void> {
    await this.conversations.delete(principal.userId, conversationId);
  }
}
