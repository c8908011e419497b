import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type Granularity = 'hour' | 'day' | 'week';

export interface Point {
  at: Date;
  value: number;
}

/** All SQL of the statistics: it reads rollups (buckets, daily tables), never raw events. */
@Injectable()
export class StatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Sum per metric over all time and since `since`. */
  async sums(
    metrics: string[],
    since: Date,
  ): Promise<Map<string, { total: number; recent: number }>> {
    const rows: { metric: string; total: number; recent: number }[] = await this.dataSource.query(
      `SELECT metric, COALESCE(sum(value), 0)::float8 AS total,
              COALESCE(sum(value) FILTER (WHERE bucket >= $2), 0)::float8 AS recent
         FROM stats_buckets WHERE metric = ANY($1) GROUP BY metric`,
      [metrics, since],
    );
    return new Map(rows.map((r) => [r.metric, { total: r.total, recent: r.recent }]));
  }

  async userCounts(): Promise<{ total: number; d1: number; d7: number; d30: number }> {
    const rows: { total: number; d1: number; d7: number; d30: number }[] =
      await this.dataSource.query(
        `SELECT (SELECT count(*)::int FROM users) AS total,
                (SELECT count(*)::int FROM users WHERE last_seen_at >= now() - interval '1 day') AS d1,
                (SELECT count(*)::int FROM users WHERE last_seen_at >= now() - interval '7 days') AS d7,
                (SELECT count(*)::int FROM users WHERE last_seen_at >= now() - interval '30 days') AS d30`,
      );
    return rows[0];
  }

  async agentsInUse(since: string): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(DISTINCT agent_id)::int AS n FROM usage_daily WHERE day >= $1::date`,
      [since],
    );
    return rows[0].n;
  }

  /** An hourly-bucket metric summed per hour, day or week (UTC). */
  bucketSeries(metric: string, g: Granularity, from: Date, to: Date): Promise<Point[]> {
    return this.dataSource.query(
      `SELECT date_trunc($2, bucket AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS at,
              sum(value)::float8 AS value
         FROM stats_buckets WHERE metric = $1 AND bucket >= $3 AND bucket < $4
        GROUP BY 1 ORDER BY 1`,
      [metric, g, from, to],
    );
  }

  /** Distinct users with activity per day or week (UTC). */
  activeUsersSeries(g: Granularity, from: Date, to: Date): Promise<Point[]> {
    return this.dataSource.query(
      `SELECT date_trunc($1, day::timestamp) AT TIME ZONE 'UTC' AS at,
              count(DISTINCT user_id)::float8 AS value
         FROM user_activity_days
        WHERE day >= ($2::timestamptz AT TIME ZONE 'UTC')::date
          AND day < ($3::timestamptz AT TIME ZONE 'UTC')::date
        GROUP BY 1 ORDER BY 1`,
      [g, from, to],
    );
  }

  /** Distinct agents used per day or week (UTC). */
  activeAgentsSeries(g: Granularity, from: Date, to: Date): Promise<Point[]> {
    return this.dataSource.query(
      `SELECT date_trunc($1, day::timestamp) AT TIME ZONE 'UTC' AS at,
              count(DISTINCT agent_id)::float8 AS value
         FROM usage_daily
        WHERE day >= ($2::timestamptz AT TIME ZONE 'UTC')::date
          AND day < ($3::timestamptz AT TIME ZONE 'UTC')::date
        GROUP BY 1 ORDER BY 1`,
      [g, from, to],
    );
  }

  agentUsagePerDay(from: string, to: string) {
    return this.dataSource.query<
      {
        date: string;
        agent_id: string;
        slug: string;
        premium: boolean;
        messages: number;
        prompt_tokens: number;
        completion_tokens: number;
      }[]
    >(
      `SELECT u.day::text AS date, a.id AS agent_id, a.slug, a.premium,
              sum(u.messages)::int AS messages,
              sum(u.prompt_tokens)::float8 AS prompt_tokens,
              sum(u.completion_tokens)::float8 AS completion_tokens
         FROM usage_daily u JOIN agents a ON a.id = u.agent_id
        WHERE u.day >= $1::date AND u.day < $2::date
        GROUP BY u.day, a.id ORDER BY u.day, a.slug`,
      [from, to],
    );
  }

  topUsers(from: string, to: string, limit: number) {
    return this.dataSource.query<{ user_id: string; email: string | null; messages: number }[]>(
      `SELECT u.user_id, us.email, sum(u.messages)::int AS messages
         FROM usage_daily u JOIN users us ON us.id = u.user_id
        WHERE u.day >= $1::date AND u.day < $2::date
        GROUP BY u.user_id, us.email ORDER BY messages DESC, u.user_id LIMIT $3`,
      [from, to, limit],
    );
  }
}
