import { Controller, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { AgentErrorCode } from '../agents/agents.errors.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ConversationsService } from './conversations.service.js';
import { ConversationDto } from './dto/conversation.dto.js';

const AGENT_USABLE = {
  404: { [AgentErrorCode.NotFound]: 'No agent with this id.' },
  403: {
    [AgentErrorCode.Disabled]: 'An administrator disabled the agent.',
    [AgentErrorCode.PremiumRequired]:
      'A premium agent, and the caller has neither the premium role nor a grant.',
  },
};

/** A conversation to start chatting with an agent in. */
@ApiTags('conversations')
@ApiBearerAuth('bearer')
@Controller('agents/:agentId/conversations')
export class AgentConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Post('fresh')
  @ApiOperation({
    summary:
      "An empty conversation with the agent: the caller's newest empty one (200), else a new one (201).",
  })
  @ApiOkResponse({ type: ConversationDto, description: 'An empty conversation reused' })
  @ApiCreatedResponse({ type: ConversationDto, description: 'A new conversation' })
  @ApiProblems(AGENT_USABLE)
  async getFreshConversation(
    @CurrentPrincipal() principal: Principal,
    @Param('agentId', ParseUuidPipe) agentId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // The status depends on the outcome, so this handler sends the reply itself.
    const { conversation, created } = await this.conversations.fresh(principal, agentId);
    void reply.status(created ? 201 : 200).send(conversation);
  }
}
