import { DAILY_LIMIT_HITS_METRIC } from '../../agents/usage.service.js';

/** Every figure the statistics API serves as a time series. */
export enum StatsMetric {
  UsersNew = 'users.new',
  UsersActive = 'users.active',
  SignIns = 'auth.sign-ins',
  Conversations = 'conversations.created',
  Messages = 'messages.created',
  PromptTokens = 'tokens.prompt',
  CompletionTokens = 'tokens.completion',
  AgentsActive = 'agents.active',
  DailyLimitHits = 'agents.daily-limit-hits',
  MailSent = 'mail.sent',
  MailFailed = 'mail.failed',
}

/** Metrics whose series come from hourly buckets (the others are daily by nature). */
export const HOURLY_METRICS = new Set<string>([
  StatsMetric.UsersNew,
  StatsMetric.SignIns,
  StatsMetric.Conversations,
  StatsMetric.Messages,
  StatsMetric.PromptTokens,
  StatsMetric.CompletionTokens,
  StatsMetric.DailyLimitHits,
  StatsMetric.MailSent,
  StatsMetric.MailFailed,
]);

/** Counted as the events happen (StatsCounters), not derived by the rollup job. */
export const COUNTED_METRICS = new Set<string>([DAILY_LIMIT_HITS_METRIC]);

/**
 * How the rollup job derives each hourly metric from a feature's rows: one statement
 * returning (bucket, value) for rows at or after $1. Each source is indexed by its time.
 */
export const ROLLUP_SOURCES: { metric: StatsMetric; sql: string; lookbackHours: number }[] = [
  {
    metric: StatsMetric.UsersNew,
    sql: `SELECT date_trunc('hour', created_at) AS bucket, count(*) AS value
            FROM users WHERE created_at >= $1 GROUP BY 1`,
    lookbackHours: 2,
  },
  {
    metric: StatsMetric.SignIns,
    sql: `SELECT date_trunc('hour', created_at) AS bucket, count(*) AS value
            FROM auth_sessions WHERE created_at >= $1 GROUP BY 1`,
    lookbackHours: 2,
  },
  {
    metric: StatsMetric.Conversations,
    sql: `SELECT date_trunc('hour', created_at) AS bucket, count(*) AS value
            FROM conversations WHERE created_at >= $1 GROUP BY 1`,
    lookbackHours: 2,
  },
  {
    metric: StatsMetric.Messages,
    sql: `SELECT date_trunc('hour', created_at) AS bucket, count(*) AS value
            FROM messages WHERE created_at >= $1 GROUP BY 1`,
    lookbackHours: 2,
  },
  {
    metric: StatsMetric.PromptTokens,
    sql: `SELECT date_trunc('hour', created_at) AS bucket, COALESCE(sum(prompt_tokens), 0) AS value
            FROM messages WHERE created_at >= $1 GROUP BY 1`,
    lookbackHours: 2,
  },
  {
    metric: StatsMetric.CompletionTokens,
    sql: `SELECT date_trunc('hour', created_at) AS bucket, COALESCE(sum(completion_tokens), 0) AS value
            FROM messages WHERE created_at >= $1 GROUP BY 1`,
    lookbackHours: 2,
  },
  {
    // a mail is sent or finally fails within its retries (hours): re-read two days
    metric: StatsMetric.MailSent,
    sql: `SELECT date_trunc('hour', created_at) AS bucket, count(*) AS value
            FROM mail_messages WHERE created_at >= $1 AND status = 'sent' GROUP BY 1`,
    lookbackHours: 48,
  },
  {
    metric: StatsMetric.MailFailed,
    sql: `SELECT date_trunc('hour', created_at) AS bucket, count(*) AS value
            FROM mail_messages WHERE created_at >= $1 AND status = 'failed' GROUP BY 1`,
    lookbackHours: 48,
  },
];
