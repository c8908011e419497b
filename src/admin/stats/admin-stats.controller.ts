import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../../core/errors/api-problems.decorator.js';
import { CoreErrorCode } from '../../core/errors/error-codes.js';
import { AdminController } from '../access/admin-route.decorator.js';
import { AdminErrorCode } from '../admin.errors.js';
import { AdminStatsService } from './admin-stats.service.js';
import {
  AgentAnalyticsDto,
  StatsMetricDto,
  StatsOverviewDto,
  StatsRangeQueryDto,
  StatsSeriesDto,
  StatsSeriesQueryDto,
} from './dto/stats.dto.js';
import { StatsCache, type CachedAnswer } from './stats-cache.js';

const ETAG = {
  ETag: {
    description: 'Validator of this answer; send it back in If-None-Match.',
    schema: { type: 'string' },
  },
};
const NOT_MODIFIED = {
  status: 304,
  description: 'The answer is unchanged since the ETag sent in If-None-Match.',
  headers: ETAG,
};
const CONDITIONAL = ApiHeader({
  name: 'If-None-Match',
  required: false,
  description: 'The ETag of an earlier answer: 304 while it is still the answer.',
});
const RANGE_PROBLEMS = {
  400: {
    [AdminErrorCode.InvalidRange]: '`from` is not before `to`.',
    [AdminErrorCode.RangeTooLarge]: 'The range is too large for the granularity.',
    [CoreErrorCode.ValidationFailed]: 'An unknown parameter, or a malformed one.',
  },
};

/**
 * Statistics from the rollups, cached for STATS_CACHE_TTL_MS with ETags. The guards
 * (authentication, the admin role) run before any cached answer is sent.
 */
@AdminController()
@Controller('admin/stats')
export class AdminStatsController {
  constructor(
    private readonly stats: AdminStatsService,
    private readonly cache: StatsCache,
  ) {}

  private send(reply: FastifyReply, ifNoneMatch: string | undefined, answer: CachedAnswer) {
    void reply.header('etag', answer.etag).header('cache-control', 'private, no-cache');
    const tags = (ifNoneMatch ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (tags.includes(answer.etag) || tags.includes('*')) {
      void reply.status(304);
      return undefined;
    }
    void reply.header('content-type', 'application/json; charset=utf-8');
    return answer.body;
  }

  @Get('overview')
  @ApiOperation({ summary: 'Users, sign-ins, conversations, messages, tokens, agents, mail.' })
  @CONDITIONAL
  @ApiOkResponse({ type: StatsOverviewDto, headers: ETAG })
  @ApiResponse(NOT_MODIFIED)
  async getStatsOverview(
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send(
      reply,
      ifNoneMatch,
      await this.cache.get('overview', () => this.stats.overview()),
    );
  }

  @Get('metrics')
  @ApiOperation({
    summary: 'The metrics GET /admin/stats/series serves, with their granularities.',
  })
  @ApiOkResponse({ type: [StatsMetricDto] })
  listStatsMetrics(): StatsMetricDto[] {
    return this.stats.metrics();
  }

  @Get('series')
  @ApiOperation({ summary: 'One metric over a range, per hour, day or ISO week (UTC).' })
  @CONDITIONAL
  @ApiOkResponse({ type: StatsSeriesDto, headers: ETAG })
  @ApiResponse(NOT_MODIFIED)
  @ApiProblems(RANGE_PROBLEMS)
  @ApiProblems({
    400: {
      [AdminErrorCode.UnknownMetric]: 'Not a metric of GET /admin/stats/metrics.',
      [AdminErrorCode.UnsupportedGranularity]: 'The metric is daily: hour is not available.',
    },
  })
  async getStatsSeries(
    @Query() query: StatsSeriesQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { key, compute } = this.stats.series(query);
    return this.send(reply, ifNoneMatch, await this.cache.get(key, compute));
  }

  @Get('agents')
  @ApiOperation({
    summary:
      'Agent analytics: usage per agent per day, top users, premium share, daily-limit hits.',
  })
  @CONDITIONAL
  @ApiOkResponse({ type: AgentAnalyticsDto, headers: ETAG })
  @ApiResponse(NOT_MODIFIED)
  @ApiProblems(RANGE_PROBLEMS)
  async getAgentAnalytics(
    @Query() query: StatsRangeQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { key, compute } = this.stats.agents(query);
    return this.send(reply, ifNoneMatch, await this.cache.get(key, compute));
  }
}
