import { StatsCounters } from '../core/stats/stats-counters.js';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AppException } from '../core/errors/app.exception.js';
import { CoreErrorCode } from '../core/errors/error-codes.js';
import { AgentErrorCode } from './agents.errors.js';
import { isForeignKeyViolation } from './agents.repository.js';
import {
  addDays,
  dailyLimitFor,
  daysInRange,
  nextUtcMidnight,
  secondsUntilUtcMidnight,
  utcDay,
} from './daily-limits.js';
import type { UsageReportDto, UsageTodayDto } from './dto/usage.dto.js';
import { UsageRepository, type UsageCounts, type UsageEntry } from './usage.repository.js';

/** The longest range GET /usage/me reads, in days. */
export const MAX_USAGE_RANGE_DAYS = 92;

/** Statistics metric counting messages refused by the daily limit. */
export const DAILY_LIMIT_HITS_METRIC = 'agents.daily-limit-hits';
const DEFAULT_RANGE_DAYS = 30;

/**
 * Chat usage per user, agent and UTC day, and the daily message limits by role
 * (CHAT_DAILY_LIMITS). The chat checks the limit before generating and records after: with
 * assertWithinLimit and record, or with assertBelowLimit and entry around statements of its
 * own that read and write usage_daily in the same round trips as its messages.
 */
@Injectable()
export class UsageService {
  private readonly logger = new Logger('Usage');

  constructor(
    private readonly usage: UsageRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly counters: StatsCounters,
  ) {}

  /**
   * 429 CHAT_LIMIT_REACHED (with Retry-After: seconds until the next UTC midnight) when the
   * caller already sent today's allowance of messages, all agents together.
   */
  async assertWithinLimit(principal: Principal): Promise<void> {
    const limit = this.limitFor(principal);
    if (limit === null) return;
    const now = new Date();
    this.assertBelowLimit(limit, await this.usage.messagesOn(principal.userId, utcDay(now)), now);
  }

  /**
   * The check of assertWithinLimit on a count already read (`sent` messages on the UTC
   * day of `now`, e.g. by a statement that does more in the same round trip).
   */
  assertBelowLimit(limit: number | null, sent: number, now: Date): void {
    if (limit === null || sent < limit) return;
    this.counters.incrementLater(DAILY_LIMIT_HITS_METRIC);
    throw new AppException(
      429,
      AgentErrorCode.LimitReached,
      `You have used today's ${limit} chat messages; the limit resets at midnight UTC.`,
      {
        headers: { 'retry-after': String(secondsUntilUtcMidnight(now)) },
        extensions: { limit, resetsAt: nextUtcMidnight(now).toISOString() },
      },
    );
  }

  /** Adds to today's (UTC) usage of the user with the agent: one upsert, concurrency-safe. */
  async record(userId: string, agentId: string, counts: UsageCounts): Promise<void> {
    const entry = this.entry(userId, agentId, counts);
    try {
      await this.usage.add(entry.userId, entry.agentId, entry.day, entry);
    } catch (error) {
      // The user or the agent was deleted meanwhile: their usage went with them.
      if (!isForeignKeyViolation(error)) throw error;
      this.skipped(entry);
    }
  }

  /**
   * Today's (UTC) usage entry of the user with the agent, checked (whole numbers >= 0),
   * for a caller that writes it in a statement of its own (the same upsert as record).
   */
  entry(userId: string, agentId: string, counts: UsageCounts): UsageEntry {
    for (const [name, value] of Object.entries(counts)) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new TypeError(`usage ${name} must be a whole number >= 0 (got ${String(value)})`);
      }
    }
    return { userId, agentId, day: utcDay(new Date()), ...counts };
  }

  /** Says that an entry was not recorded because its user or agent no longer exists. */
  skipped(entry: UsageEntry): void {
    this.logger.warn(
      `usage not recorded: user ${entry.userId} or agent ${entry.agentId} no longer exists`,
    );
  }

  /**
   * The caller's usage by day and agent over [from, to], days included: `to` defaults to
   * today (UTC), `from` to 29 days before `to`; at most 92 days.
   */
  async report(principal: Principal, from?: string, to?: string): Promise<UsageReportDto> {
    const today = utcDay(new Date());
    const last = to ?? today;
    const first = from ?? addDays(last, -(DEFAULT_RANGE_DAYS - 1));
    this.assertRange(first, last);
    const rows = await this.usage.listForUser(principal.userId, first, last);
    const totals = { messages: 0, promptTokens: 0, completionTokens: 0 };
    for (const row of rows) {
      totals.messages += row.messages;
      totals.promptTokens += row.promptTokens;
      totals.completionTokens += row.completionTokens;
    }
    return { from: first, to: last, rows, totals, today: await this.today(principal, today) };
  }

  /** The caller's messages today, their limit and what remains (null = no limit). */
  private async today(principal: Principal, day: string): Promise<UsageTodayDto> {
    const messages = await this.usage.messagesOn(principal.userId, day);
    const limit = this.limitFor(principal);
    return { messages, limit, remaining: limit === null ? null : Math.max(0, limit - messages) };
  }

  /** Messages per UTC day the caller may send (CHAT_DAILY_LIMITS), null = no limit. */
  limitFor(principal: Principal): number | null {
    return dailyLimitFor(principal.roles, this.config.chat.dailyLimits);
  }

  private assertRange(from: string, to: string): void {
    const days = daysInRange(from, to);
    if (days >= 1 && days <= MAX_USAGE_RANGE_DAYS) return;
    const message =
      days < 1
        ? 'from must not be after to'
        : `the range must not exceed ${MAX_USAGE_RANGE_DAYS} days`;
    throw new AppException(400, CoreErrorCode.ValidationFailed, `${message}.`, {
      title: 'Validation failed',
      errors: [{ field: days < 1 ? 'from' : 'to', rule: 'dateRange', message }],
    });
  }
}
