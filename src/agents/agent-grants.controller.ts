import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ProblemDetails } from '../core/errors/problem.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, PageQueryDto, type PageDto } from '../core/pagination/page.js';
import { AgentGrantsService } from './agent-grants.service.js';
import { AgentGrantDto, GrantAgentAccessDto } from './dto/agent-grant.dto.js';

/** Per-user access grants to an agent (administrators). */
@ApiTags('admin: agents')
@ApiBearerAuth('bearer')
@Roles('admin')
@ApiUnauthorizedResponse({ type: ProblemDetails, description: 'No valid bearer token.' })
@ApiForbiddenResponse({ type: ProblemDetails, description: 'MISSING_ROLE: needs the admin role.' })
@Controller('admin/agents/:id/grants')
export class AgentGrantsController {
  constructor(private readonly grants: AgentGrantsService) {}

  @Get()
  @ApiOperation({ summary: "The agent's grants, expired ones included, newest first." })
  @ApiPageResponse(AgentGrantDto)
  @ApiNotFoundResponse({ type: ProblemDetails, description: 'AGENT_NOT_FOUND' })
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
  @ApiNotFoundResponse({ type: ProblemDetails, description: 'AGENT_NOT_FOUND, USER_NOT_FOUND' })
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
  @ApiNotFoundResponse({
    type: ProblemDetails,
    description: 'AGENT_NOT_FOUND, AGENT_GRANT_NOT_FOUND',
  })
  async revokeAgentAccess(
    @Param('id', ParseUuidPipe) id: string,
    @Param('userId', ParseUuidPipe) userId: string,
  ): Promise<void> {
    await this.grants.revoke(id, userId);
  }
}
