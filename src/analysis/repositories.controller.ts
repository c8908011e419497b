import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems, ENQUEUES_JOBS } from '../core/errors/api-problems.decorator.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, type PageDto } from '../core/pagination/page.js';
import { OrganizationErrorCode } from '../organizations/organizations.errors.js';
import { AnalysisErrorCode as C } from './analysis.errors.js';
import { AnalysisService } from './analysis.service.js';
import {
  AnalysisJobDto,
  AnalyzeRequestDto,
  InsightListDto,
  ListInsightsQueryDto,
  RunMetricsListDto,
} from './dto/analysis.dto.js';
import {
  AnalyzedRepositoryDto,
  CreateRepositoryDto,
  ListRepositoriesQueryDto,
  UpdateRepositoryDto,
} from './dto/repository.dto.js';
import { RepositoriesService } from './repositories.service.js';

const NOT_FOUND = { 404: { [C.RepositoryNotFound]: 'No such repository, or not yours to see.' } };
const ROLE = {
  403: {
    [OrganizationErrorCode.RoleRequired]:
      "Owners and admins of the repository's organization only.",
  },
};
const URL_PROBLEMS = {
  400: {
    [C.InvalidUrl]:
      'Not a repository URL (or it carries credentials, a query, `..`, or looks like an option).',
    [C.SchemeNotAllowed]:
      'Only https (file:// with local repositories allowed); `ext::` and other transports are refused.',
    [C.HostNotAllowed]: 'The host is not in ANALYSIS_ALLOWED_HOSTS, or is a loopback address.',
    [C.NotReachable]: 'connectionId without organizationId.',
  },
};

/** Repositories to analyse: register, list, change, remove; queue runs; read insights and trends. */
@ApiTags('repositories')
@ApiBearerAuth('bearer')
@Controller('repositories')
export class RepositoriesController {
  constructor(
    private readonly repositories: RepositoriesService,
    private readonly analysis: AnalysisService,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      "Register a repository for the caller or one of their organizations (owners and admins). Metadata comes from GitHub's REST API (or the URL and git); `autoAnalyze` queues a first run.",
  })
  @ApiCreatedResponse({ type: AnalyzedRepositoryDto })
  @ApiProblems(URL_PROBLEMS)
  @ApiProblems(ROLE)
  @ApiProblems({
    404: { [OrganizationErrorCode.NotFound]: 'No such organization, or not a member.' },
    409: { [C.AlreadyTracked]: 'This owner already tracks the repository.' },
    422: {
      [C.UpstreamNotFound]: 'GitHub (or git) says the repository does not exist.',
      [C.NotReachable]: 'The connection given does not reach the repository.',
      [C.InvalidRef]: 'The default branch has a name git could misread.',
    },
    503: { [C.GitHubUnavailable]: 'GitHub (or the git host) could not be reached.' },
  })
  @ApiProblems(ENQUEUES_JOBS)
  createRepository(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateRepositoryDto,
  ): Promise<AnalyzedRepositoryDto> {
    return this.repositories.create(principal.userId, body);
  }

  @Get()
  @ApiOperation({ summary: "The caller's repositories and their organizations', newest first." })
  @ApiPageResponse(AnalyzedRepositoryDto)
  listRepositories(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListRepositoriesQueryDto,
  ): Promise<PageDto<AnalyzedRepositoryDto>> {
    return this.repositories.list(principal.userId, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One repository.' })
  @ApiOkResponse({ type: AnalyzedRepositoryDto })
  @ApiProblems(NOT_FOUND)
  getRepository(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<AnalyzedRepositoryDto> {
    return this.repositories.get(principal.userId, id);
  }

  @Put(':id')
  @ApiOperation({
    summary: 'Change autoAnalyze and notificationSettings (owners and admins for an organization).',
  })
  @ApiOkResponse({ type: AnalyzedRepositoryDto })
  @ApiProblems(NOT_FOUND)
  @ApiProblems(ROLE)
  updateRepository(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: UpdateRepositoryDto,
  ): Promise<AnalyzedRepositoryDto> {
    return this.repositories.update(principal.userId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove the repository with its jobs and insights (an active run is cancelled).',
  })
  @ApiNoContentResponse()
  @ApiProblems(NOT_FOUND)
  @ApiProblems(ROLE)
  async deleteRepository(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<void> {
    await this.repositories.delete(principal.userId, id);
  }

  @Post(':id/analyze')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Queue an analysis (size and languages, history). While one is queued or running, that one is returned instead.',
  })
  @ApiAcceptedResponse({ type: AnalysisJobDto })
  @ApiProblems(NOT_FOUND)
  @ApiProblems({
    400: { [C.InvalidRef]: 'The ref is not a safe branch or tag name (e.g. starts with `-`).' },
    422: { [C.InvalidRef]: 'The default branch has a name git could misread; give a ref.' },
  })
  @ApiProblems(ENQUEUES_JOBS)
  analyzeRepository(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: AnalyzeRequestDto,
  ): Promise<AnalysisJobDto> {
    return this.analysis.start(principal.userId, id, body);
  }

  @Get(':id/insights')
  @ApiOperation({ summary: 'Insights of every run, newest first; filter by type and severity.' })
  @ApiOkResponse({ type: InsightListDto })
  @ApiProblems(NOT_FOUND)
  listRepositoryInsights(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Query() query: ListInsightsQueryDto,
  ): Promise<InsightListDto> {
    return this.analysis.insights(principal.userId, id, query);
  }

  @Get(':id/metrics')
  @ApiOperation({ summary: 'One entry per completed run, oldest first, for trends.' })
  @ApiOkResponse({ type: RunMetricsListDto })
  @ApiProblems(NOT_FOUND)
  getRepositoryMetrics(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<RunMetricsListDto> {
    return this.analysis.metrics(principal.userId, id);
  }
}
