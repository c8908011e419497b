import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { UsageDaily } from './usage-daily.entity.js';

export interface UsageCounts {
  messages: number;
  promptTokens: number;
  completionTokens: number;
}

/** Counts to add to a user's usage of an agent on a UTC day (YYYY-MM-DD). */
export interface UsageEntry extends UsageCounts {
  userId: string;
  agentId: string;
  day: string;
}

/** One user's usage of one agent on one UTC day. */
export interface UsageDayRow extends UsageCounts {
  day: string;
  agentId: string;
  agentSlug: string;
  agentName: string;
}

interface UsageRow {
  day: string;
  agent_id: string;
  slug: string;
  name: string;
  messages: number;
  prompt_tokens: string;
  completion_tokens: string;
}

/** All SQL about chat usage; every method is scoped to one user. */
@Injectable()
export class UsageRepository {
  constructor(@InjectRepository(UsageDaily) private readonly usage: Repository<UsageDaily>) {}

  /** Adds `counts` to the user's row for the agent and day: one upsert, safe under concurrency. */
  async add(userId: string, agentId: string, day: string, counts: UsageCounts): Promise<void> {
    await this.usage.query(
      `INSERT INTO usage_daily (user_id, agent_id, day, messages, prompt_tokens, completion_tokens)
       VALUES ($1, $2, $3::date, $4, $5, $6)
       ON CONFLICT (user_id, agent_id, day) DO UPDATE SET
         messages = usage_daily.messages + EXCLUDED.messages,
         prompt_tokens = usage_daily.prompt_tokens + EXCLUDED.prompt_tokens,
         completion_tokens = usage_daily.completion_tokens + EXCLUDED.completion_tokens`,
      [userId, agentId, day, counts.messages, counts.promptTokens, counts.completionTokens],
    );
  }

  /** Messages the user sent on `day`, all agents together. */
  async messagesOn(userId: string, day: string): Promise<number> {
    const rows: { messages: number }[] = await this.usage.query(
      `SELECT COALESCE(sum(messages), 0)::int AS messages
         FROM usage_daily WHERE user_id = $1 AND day = $2::date`,
      [userId, day],
    );
    return rows[0].messages;
  }

  /** The user's rows from `from` to `to` (days included), by day then agent slug. */
  async listForUser(userId: string, from: string, to: string): Promise<UsageDayRow[]> {
    const rows: UsageRow[] = await this.usage.query(
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, d.agent_id, a.slug, a.name, d.messages,
              d.prompt_tokens, d.completion_tokens
         FROM usage_daily d
         JOIN agents a ON a.id = d.agent_id
        WHERE d.user_id = $1 AND d.day BETWEEN $2::date AND $3::date
        ORDER BY d.day, a.slug`,
      [userId, from, to],
    );
    return rows.map((r) => ({
      day: r.day,
      agentId: r.agent_id,
      agentSlug: r.slug,
      agentName: r.name,
      messages: r.messages,
      promptTokens: Number(r.prompt_tokens),
      completionTokens: Number(r.completion_tokens),
    }));
  }
}
