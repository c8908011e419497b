import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { AgentErrorCode } from './agents.errors.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, PageQueryDto, type PageDto } from '../core/pagination/page.js';
import { AgentGrantsService } from './agent-grants.service.js';
import { AgentGrantDto, GrantAgentAccessDto } from './dto/agent-grant.dto.js';

const AGENT_NOT_FOUND = 'No agent with this id.';

/** Per-user access grants to an agent (administrators). */
@ApiTags('admin: agents')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('admin/agents/:id/grants')
export class AgentGrantsController {
  constructor(private readonly grants: AgentGrantsService) {}

  @Get()
  @ApiOperation({ summary: "The agent's grants, expired ones included, newest first." })
  @ApiPageResponse(AgentGrantDto)
  @ApiProblems({ 404: { [AgentErrorCode.NotFound]: AGENT_NOT_FOUND } })
  listAgentGrants(
    @Param('id', ParseUuidPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<PageDto<AgentGrantDto>> {
    return this.grants.list(id, query.cursor, query.limit);
  }

  @Put(':userId')
  @ApiOperation({
    summary: 'Let a user use the agent (premium or not), until expiresAt or until revoked.',
  })
  @ApiOkResponse({ type: AgentGrantDto })
  @ApiProblems({
    404: {
      [AgentErrorCode.NotFound]: AGENT_NOT_FOUND,
      [AgentErrorCode.UserNotFound]: 'No user with this id.',
    },
  })
  grantAgentAccess(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Param('userId', ParseUuidPipe) userId: string,
    @Body() body: GrantAgentAccessDto,
  ): Promise<AgentGrantDto> {
    return this.grants.grant(principal.userId, id, userId, body.expiresAt);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke a user's grant." })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems({
    404: {
      [AgentErrorCode.NotFound]: AGENT_NOT_FOUND,
      [AgentErrorCode.GrantNotFound]: 'The user has no grant for this agent.',
    },
  })
  async revokeAgentAccess(
    @Param('id', ParseUuidPipe) id: string,
    @Param('userId', ParseUuidPipe) userId: string,
  ): Promise<void> {
    await this.grants.revoke(id, userId);
  }
}
