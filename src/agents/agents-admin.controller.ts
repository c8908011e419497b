import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../auth/decorators/auth.decorators.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { AgentErrorCode } from './agents.errors.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, PageQueryDto, type PageDto } from '../core/pagination/page.js';
import { AgentsAdminService } from './agents-admin.service.js';
import { AdminAgentDto, CreateAgentDto, UpdateAgentDto } from './dto/agent.dto.js';

const NOT_FOUND = { 404: { [AgentErrorCode.NotFound]: 'No agent with this id.' } };
const SLUG_TAKEN = { 409: { [AgentErrorCode.SlugTaken]: 'Another agent has this slug.' } };

/** The agent registry (administrators). */
@ApiTags('admin: agents')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('admin/agents')
export class AgentsAdminController {
  constructor(private readonly agents: AgentsAdminService) {}

  @Get()
  @ApiOperation({ summary: 'Every agent by slug, disabled ones included.' })
  @ApiPageResponse(AdminAgentDto)
  listAllAgents(@Query() query: PageQueryDto): Promise<PageDto<AdminAgentDto>> {
    return this.agents.listAll(query.cursor, query.limit);
  }

  @Post()
  @ApiOperation({ summary: 'Create an agent.' })
  @ApiCreatedResponse({ type: AdminAgentDto })
  @ApiProblems(SLUG_TAKEN)
  createAgent(@Body() body: CreateAgentDto): Promise<AdminAgentDto> {
    return this.agents.create(body);
  }

  @Patch(':id')
  @ApiOperation({
    summary:
      'Change an agent: absent fields stay; null resets model, temperature or maxTokens to the default.',
  })
  @ApiOkResponse({ type: AdminAgentDto })
  @ApiProblems(NOT_FOUND)
  @ApiProblems(SLUG_TAKEN)
  updateAgent(
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: UpdateAgentDto,
  ): Promise<AdminAgentDto> {
    return this.agents.update(id, body);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable an agent: users see it and may chat with it.' })
  @ApiOkResponse({ type: AdminAgentDto })
  @ApiProblems(NOT_FOUND)
  enableAgent(@Param('id', ParseUuidPipe) id: string): Promise<AdminAgentDto> {
    return this.agents.setEnabled(id, true);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({
    summary: "Disable an agent: it leaves users' listings and chats with it are refused.",
  })
  @ApiOkResponse({ type: AdminAgentDto })
  @ApiProblems(NOT_FOUND)
  disableAgent(@Param('id', ParseUuidPipe) id: string): Promise<AdminAgentDto> {
    return this.agents.setEnabled(id, false);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Delete an agent with its grants and usage; refused while conversations use it (disable it instead).',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(NOT_FOUND)
  @ApiProblems({
    409: { [AgentErrorCode.InUse]: 'Conversations use the agent; disable it instead.' },
  })
  async deleteAgent(@Param('id', ParseUuidPipe) id: string): Promise<void> {
    await this.agents.delete(id);
  }
}
