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
import { UsageRepository, type UsageCounts } from './usage.repository.js';

/** The longest range GET /usage/me reads, in days. */
export const MAX_USAGE_RANGE_DAYS = 92;
const DEFAULT_RANGE_DAYS = 30;

/**
 * Chat usage per user, agent and UTC day, and the daily message limits by role
 * (CHAT_DAILY_LIMITS). The chat calls assertWithinLimit before generating and record after.
 */
@Injectable()
export class UsageService {
  private readonly logger = new Logger('Usage');

  constructor(
    private readonly usage: UsageRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * 429 CHAT_LIMIT_REACHED (with Retry-After: seconds until the next UTC midnight) when the
   * caller already sent today's allowance of messages, all agents together.
   */
  async assertWithinLimit(principal: Principal): Promise<void> {
    const limit = this.limitFor(principal);
    if (limit === null) return;
    const now = new Date();
    const sent = await this.usage.messagesOn(principal.userId, utcDay(now));
    if (sent < limit) return;
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
    for (const [name, value] of Object.entries(counts)) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new TypeError(`usage ${name} must be a whole number >= 0 (got ${String(value)})`);
      }
    }
    try {
      await this.usage.add(userId, agentId, utcDay(new Date()), counts);
    } catch (error) {
      // The user or the agent was deleted meanwhile: their usage went with them.
      if (!isForeignKeyViolation(error)) throw error;
      this.logger.warn(`usage not recorded: user ${userId} or agent ${agentId} no longer exists`);
    }
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

  private limitFor(principal: Principal): number | null {
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
