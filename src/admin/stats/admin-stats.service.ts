import { Injectable } from '@nestjs/common';
import { AppException } from '../../core/errors/app.exception.js';
import { Contributions } from '../../core/contributions.js';
import { AdminErrorCode } from '../admin.errors.js';
import type {
  AgentAnalyticsDto,
  StatsMetricDto,
  StatsOverviewDto,
  StatsSeriesDto,
  StatsSeriesQueryDto,
  StatsRangeQueryDto,
} from './dto/stats.dto.js';
import { HOURLY_METRICS, StatsMetric } from './stats-metrics.js';
import { fillPoints, resolveRange } from './stats-range.js';
import { StatsRepository, type Granularity, type Point } from './stats.repository.js';

const DAY = 86_400_000;
const dateOnly = (d: Date) => d.toISOString().slice(0, 10);

/** Overview, time series and agent analytics, computed from the rollups. */
@Injectable()
export class AdminStatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly contributions: Contributions,
  ) {}

  /** Hourly metrics of the features that contribute their own (via StatsCounters). */
  private contributedMetrics(): string[] {
    return this.contributions.statsContributions().flatMap((c) => c.seriesMetrics ?? []);
  }

  metrics(): StatsMetricDto[] {
    const daily = [StatsMetric.UsersActive, StatsMetric.AgentsActive];
    return [
      ...[...HOURLY_METRICS, ...this.contributedMetrics()].map((name) => ({
        name,
        granularities: ['hour', 'day', 'week'],
      })),
      ...daily.map((name) => ({ name, granularities: ['day', 'week'] })),
    ].sort((a, b) => a.name.localeCompare(b.name));
  }

  async overview(now = new Date()): Promise<StatsOverviewDto> {
    const since = new Date(now.getTime() - 30 * DAY);
    const newUsersRange = resolveRange(undefined, undefined, 'day', now);
    const [sums, users, agents, newUsers, sections] = await Promise.all([
      this.stats.sums([...HOURLY_METRICS], since),
      this.stats.userCounts(),
      this.stats.agentsInUse(dateOnly(since)),
      this.stats.bucketSeries(StatsMetric.UsersNew, 'day', newUsersRange.from, newUsersRange.to),
      Promise.all(
        this.contributions
          .statsContributions()
          .map(async (c) => ({ name: c.name, figures: await c.figures() })),
      ),
    ]);
    const sum = (m: StatsMetric) => sums.get(m) ?? { total: 0, recent: 0 };
    const pair = (m: StatsMetric) => ({ total: sum(m).total, last30d: sum(m).recent });
    return {
      generatedAt: now.toISOString(),
      users: {
        total: users.total,
        active1d: users.d1,
        active7d: users.d7,
        active30d: users.d30,
        newPerDay: fillPoints(newUsers, newUsersRange.from, newUsersRange.to, 'day'),
      },
      signIns: pair(StatsMetric.SignIns),
      conversations: pair(StatsMetric.Conversations),
      messages: pair(StatsMetric.Messages),
      tokens: {
        prompt30d: sum(StatsMetric.PromptTokens).recent,
        completion30d: sum(StatsMetric.CompletionTokens).recent,
      },
      agentsInUse30d: agents,
      mail: {
        sent30d: sum(StatsMetric.MailSent).recent,
        failed30d: sum(StatsMetric.MailFailed).recent,
      },
      sections: sections.sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  /** Validates the request (400s) and returns a stable cache key and the computation. */
  series(query: StatsSeriesQueryDto): { key: string; compute: () => Promise<StatsSeriesDto> } {
    const g: Granularity = query.granularity ?? 'day';
    const metric = this.metrics().find((m) => m.name === query.metric);
    if (!metric) {
      throw new AppException(
        400,
        AdminErrorCode.UnknownMetric,
        `Unknown metric "${query.metric}"; GET /api/v1/admin/stats/metrics lists them.`,
      );
    }
    if (!metric.granularities.includes(g)) {
      throw new AppException(
        400,
        AdminErrorCode.UnsupportedGranularity,
        `${metric.name} is counted per day: use granularity ${metric.granularities.join(' or ')}.`,
      );
    }
    const { from, to } = resolveRange(query.from, query.to, g);
    const load = (): Promise<Point[]> => {
      if (metric.name === (StatsMetric.UsersActive as string))
        return this.stats.activeUsersSeries(g, from, to);
      if (metric.name === (StatsMetric.AgentsActive as string))
        return this.stats.activeAgentsSeries(g, from, to);
      return this.stats.bucketSeries(metric.name, g, from, to);
    };
    return {
      key: `series:${metric.name}:${g}:${from.toISOString()}:${to.toISOString()}`,
      compute: async () => ({
        metric: metric.name,
        granularity: g,
        from: from.toISOString(),
        to: to.toISOString(),
        points: fillPoints(await load(), from, to, g),
      }),
    };
  }

  agents(query: StatsRangeQueryDto): { key: string; compute: () => Promise<AgentAnalyticsDto> } {
    const { from, to } = resolveRange(query.from, query.to, 'day');
    // usage is kept per UTC day: the days the range touches
    const firstDay = dateOnly(from);
    const endDay = dateOnly(new Date(to.getTime() - 1 + DAY));
    return {
      key: `agents:${from.toISOString()}:${to.toISOString()}`,
      compute: async () => {
        const [usage, top, hits] = await Promise.all([
          this.stats.agentUsagePerDay(firstDay, endDay),
          this.stats.topUsers(firstDay, endDay, 10),
          this.stats.bucketSeries(StatsMetric.DailyLimitHits, 'day', from, to),
        ]);
        const total = usage.reduce((n, u) => n + u.messages, 0);
        const premium = usage.filter((u) => u.premium).reduce((n, u) => n + u.messages, 0);
        const perDay = fillPoints(hits, from, to, 'day');
        return {
          from: from.toISOString(),
          to: to.toISOString(),
          usagePerAgentPerDay: usage.map((u) => ({
            date: u.date,
            agentId: u.agent_id,
            slug: u.slug,
            messages: u.messages,
            promptTokens: u.prompt_tokens,
            completionTokens: u.completion_tokens,
          })),
          topUsers: top.map((t) => ({ userId: t.user_id, email: t.email, messages: t.messages })),
          premiumShare: total === 0 ? 0 : premium / total,
          dailyLimitHits: perDay.reduce((n, p) => n + p.value, 0),
          dailyLimitHitsPerDay: perDay,
        };
      },
    };
  }
}
