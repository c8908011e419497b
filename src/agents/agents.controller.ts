import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { AgentErrorCode } from './agents.errors.js';
import { ApiPageResponse, PageQueryDto, type PageDto } from '../core/pagination/page.js';
import { AgentsService } from './agents.service.js';
import { AgentDto } from './dto/agent.dto.js';

/** The agents users can chat with. */
@ApiTags('agents')
@ApiBearerAuth('bearer')
@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @ApiOperation({
    summary: 'Enabled agents by slug, each with whether the caller may use it and why not.',
  })
  @ApiPageResponse(AgentDto)
  listAgents(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PageQueryDto,
  ): Promise<PageDto<AgentDto>> {
    return this.agents.list(principal, query.cursor, query.limit);
  }

  @Get(':idOrSlug')
  @ApiOperation({ summary: 'One enabled agent by id or slug.' })
  @ApiParam({
    name: 'idOrSlug',
    description: "The agent's id (UUID) or slug.",
    example: 'assistant',
  })
  @ApiOkResponse({ type: AgentDto })
  @ApiProblems({ 404: { [AgentErrorCode.NotFound]: 'No such agent, or it is disabled.' } })
  getAgent(
    @CurrentPrincipal() principal: Principal,
    @Param('idOrSlug') idOrSlug: string,
  ): Promise<AgentDto> {
    return this.agents.get(principal, idOrSlug);
  }
}
