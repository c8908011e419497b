import { Injectable, Logger } from '@nestjs/common';
import type { PoolClient, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import {
  isForeignKeyViolation,
  toAgentForUser,
  type AgentForUser,
  type AgentRow,
} from '../../agents/agents.repository.js';
import type { UsageEntry } from '../../agents/usage.repository.js';
import { isDatabaseUnavailable } from '../../core/errors/dependency-errors.js';
import type { Message } from '../message.entity.js';
import { Batcher } from './batcher.js';
import {
  MESSAGE_COLUMNS,
  toMessage,
  type MessagePatch,
  type MessageRow,
} from '../messages.repository.js';

export const CHAT_IN_PROGRESS = 'CHAT_IN_PROGRESS';

export interface Exchange {
  conversationId: string;
  userMessage: Message;
  assistantMessage: Message;
  /** True while the conversation has no title: a completed answer gets it one. */
  firstExchange: boolean;
  /**
   * The conversation's latest messages not streaming, oldest first, ending with the user
   * message, as read in the statement that started the exchange; null when that read may
   * have missed a change (the caller reads them again).
   */
  history: Message[] | null;
}

/** What startExchange is told about the caller, decided by the rules that own each part. */
export interface ExchangeRequest {
  userId: string;
  conversationId: string;
  content: string;
  /** The caller may use premium agents by role, without a grant (agent-access.ts). */
  premiumByRole: boolean;
  /** The caller's daily message limit (null = none) and the UTC day it counts. */
  dailyLimit: number | null;
  day: string;
  /** The caller already streams as many answers as allowed (checked in this process). */
  overStreamCap: boolean;
  /** The model an agent that names none runs with, per provider (AgentsService.defaultModel). */
  defaultModels: { openai: string; local: string };
  /** A generation left streaming for longer than this was left by a process that died. */
  staleAfterMs: number;
  /** How many messages the history holds at most, the user message included. */
  historyMessages: number;
}

/** The facts the refusals are decided on, and the exchange when none applied. */
export interface ExchangeStart {
  conversationFound: boolean;
  /** The conversation's agent, as read for the caller (null when it no longer exists). */
  agent: AgentForUser | null;
  /** Messages the caller sent on the day (0 when no limit applies: not read). */
  sentToday: number;
  /** Every check the statement makes passed (the answer may still be busy). */
  allowed: boolean;
  /** Null when nothing was inserted: refused, or another generation runs (409). */
  exchange: Exchange | null;
}

interface StartRow extends Partial<AgentRow>, QueryResultRow {
  conversation_found: boolean;
  conversation_title: string | null;
  sent_today: number;
  allowed: boolean;
  user_message: JsonMessageRow | null;
  assistant_message: JsonMessageRow | null;
  history: JsonMessageRow[] | null;
}

/** A message row through json: timestamps arrive as ISO 8601 strings. */
type JsonMessageRow = Omit<MessageRow, 'created_at'> & { created_at: string };

const fromJson = (row: JsonMessageRow): Message =>
  toMessage({ ...row, created_at: new Date(row.created_at) });

/** Named, not `a.*`: a prepared statement's result columns must not change under it. */
const agentColumns = (alias: string): string =>
  ['id', 'slug', 'name', 'description', 'provider', 'model', 'system_prompt', 'temperature']
    .concat(['max_tokens', 'premium', 'enabled', 'created_at', 'updated_at'])
    .map((column) => `${alias}.${column}`)
    .join(', ');

/**
 * One exchange in one statement (one round trip), instead of reading the conversation,
 * the agent and the usage, then locking and inserting in a transaction:
 *
 * - the conversation row is locked (FOR UPDATE) first, so exchanges and appends of one
 *   conversation queue on it and each one's times follow the previous one's;
 * - the agent (with the caller's grant) and today's usage are read, and the messages are
 *   written only when every check passes (the service then names the refusal from the
 *   facts returned, with the same rules);
 * - a generation left streaming longer than `staleAfterMs` (its process died) is retired
 *   as error INTERRUPTED before the new one is inserted;
 * - the assistant placeholder goes in first, ON CONFLICT DO NOTHING against the unique
 *   index of streaming messages (ux_messages_streaming_conversation): no row means
 *   another generation runs (409), whatever the timing, across every replica;
 * - the user message follows 1 ms before it, both after the conversation's last message,
 *   and the conversation counts them;
 * - the history comes back with it when the statement's snapshot is known to be current:
 *   the row it locked is the version its snapshot saw (nothing changed the conversation
 *   meanwhile; every write of messages but the end of a generation changes that row) and
 *   no generation was streaming (whose end may have been committed since).
 */
const START_EXCHANGE = `
WITH locked AS (
       SELECT c.id, c.agent_id, c.title, c.last_message_at, c.ctid AS version
         FROM conversations c
        WHERE c.id = $1 AND c.user_id = $2
          FOR UPDATE),
     seen AS (SELECT c.ctid AS version FROM conversations c WHERE c.id = $1),
     agent AS (
       SELECT ${agentColumns('a')}, EXISTS (
                SELECT 1 FROM agent_grants g
                 WHERE g.agent_id = a.id AND g.user_id = $2
                   AND (g.expires_at IS NULL OR g.expires_at > now())) AS granted
         FROM agents a JOIN locked ON a.id = locked.agent_id),
     usage AS (
       SELECT COALESCE(sum(u.messages), 0)::int AS sent
         FROM usage_daily u
        WHERE $5::int IS NOT NULL AND u.user_id = $2 AND u.day = $6::date),
     streaming AS (
       SELECT 1 FROM messages m
        WHERE m.conversation_id = $1 AND m.status = 'streaming'),
     allowed AS (
       SELECT locked.id, locked.last_message_at
         FROM locked, agent, usage
        WHERE agent.enabled
          AND (NOT agent.premium OR agent.granted OR $4::boolean)
          AND ($5::int IS NULL OR usage.sent < $5::int)
          AND NOT $7::boolean),
     retired AS (
       UPDATE messages m SET status = 'error', error_code = 'INTERRUPTED'
         FROM allowed
        WHERE m.conversation_id = allowed.id AND m.status = 'streaming'
          AND m.created_at < now() - make_interval(secs => $8::float / 1000)
       RETURNING m.id),
     clock AS MATERIALIZED (
       -- After the retirement (count(*) runs it to the end first): the new generation may
       -- take the retired one's place in the unique index.
       SELECT date_trunc('milliseconds', GREATEST(clock_timestamp(),
                COALESCE(allowed.last_message_at + interval '1 millisecond', '-infinity'))) AS t1
         FROM allowed
        WHERE (SELECT count(*) FROM retired) >= 0),
     assistant AS (
       INSERT INTO messages (conversation_id, role, content, status, model, created_at)
       SELECT $1::uuid, 'assistant'::message_role, '', 'streaming'::message_status,
              COALESCE(agent.model,
                       CASE agent.provider WHEN 'openai' THEN $9::varchar ELSE $10::varchar END),
              clock.t1 + interval '1 millisecond'
         FROM clock, agent
       ON CONFLICT (conversation_id) WHERE status = 'streaming' DO NOTHING
       RETURNING ${MESSAGE_COLUMNS}),
     usr AS (
       INSERT INTO messages (conversation_id, role, content, status, created_at)
       SELECT $1::uuid, 'user'::message_role, $3::text, 'complete'::message_status, clock.t1
         FROM clock, assistant
       RETURNING ${MESSAGE_COLUMNS}),
     counted AS (
       UPDATE conversations c
          SET message_count = c.message_count + 2, last_message_at = assistant.created_at,
              last_activity_at = assistant.created_at, updated_at = now()
         FROM assistant
        WHERE c.id = $1
       RETURNING c.id),
     history AS (
       SELECT ${MESSAGE_COLUMNS} FROM messages m
        WHERE m.conversation_id = $1 AND m.status <> 'streaming'
          AND EXISTS (SELECT 1 FROM assistant)
        ORDER BY m.created_at DESC, m.id DESC
        LIMIT $11::int - 1)
SELECT ${agentColumns('agent')}, agent.granted,
       locked.id IS NOT NULL AS conversation_found,
       locked.title AS conversation_title,
       COALESCE(usage.sent, 0) AS sent_today,
       allowed.id IS NOT NULL AS allowed,
       (SELECT row_to_json(u) FROM usr u) AS user_message,
       (SELECT row_to_json(a) FROM assistant a) AS assistant_message,
       CASE WHEN locked.version = seen.version AND NOT EXISTS (SELECT 1 FROM streaming)
            THEN COALESCE((SELECT json_agg(h ORDER BY h.created_at, h.id) FROM history h), '[]')
       END AS history
  FROM (SELECT 1) one
  LEFT JOIN locked ON true
  LEFT JOIN seen ON true
  LEFT JOIN agent ON true
  LEFT JOIN usage ON true
  LEFT JOIN allowed ON true`;

/**
 * The ends of generations and their usage, in one statement for a batch of them
 * (finishExchange): each placeholder gets its text, status, tokens and error code; the
 * usage of the saved ones is summed per user, agent and day (one upsert may not touch a
 * row twice) and added, except for users or agents that no longer exist.
 */
const FINISH_EXCHANGES = `
WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::message_status[], $4::int[], $5::int[],
                            $6::varchar[], $7::uuid[], $8::uuid[], $9::date[], $10::int[],
                            $11::bigint[], $12::bigint[])
         AS i(message_id, content, status, prompt_tokens, completion_tokens, error_code,
              user_id, agent_id, day, messages, usage_prompt, usage_completion)),
     saved AS (
       UPDATE messages m
          SET content = i.content, status = i.status, prompt_tokens = i.prompt_tokens,
              completion_tokens = i.completion_tokens, error_code = i.error_code
         FROM input i
        WHERE m.id = i.message_id
       RETURNING ${MESSAGE_COLUMNS.replace(/(\w+)/g, 'm.$1')}, i.user_id, i.agent_id, i.day,
                 i.messages, i.usage_prompt, i.usage_completion),
     totals AS (
       SELECT s.user_id, s.agent_id, s.day, sum(s.messages)::int AS messages,
              sum(s.usage_prompt) AS prompt_tokens, sum(s.usage_completion) AS completion_tokens
         FROM saved s
        WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id)
          AND EXISTS (SELECT 1 FROM agents a WHERE a.id = s.agent_id)
        GROUP BY s.user_id, s.agent_id, s.day),
     counted AS (
       INSERT INTO usage_daily (user_id, agent_id, day, messages, prompt_tokens, completion_tokens)
       SELECT * FROM totals
       ON CONFLICT (user_id, agent_id, day) DO UPDATE SET
         messages = usage_daily.messages + EXCLUDED.messages,
         prompt_tokens = usage_daily.prompt_tokens + EXCLUDED.prompt_tokens,
         completion_tokens = usage_daily.completion_tokens + EXCLUDED.completion_tokens
       RETURNING user_id, agent_id, day)
SELECT ${MESSAGE_COLUMNS.replace(/(\w+)/g, 's.$1')},
       EXISTS (SELECT 1 FROM counted k
                WHERE k.user_id = s.user_id AND k.agent_id = s.agent_id AND k.day = s.day)
         AS usage_recorded
  FROM saved s`;

/** The end of one generation without its usage (its user or agent is gone). */
const FINISH_MESSAGE = `
UPDATE messages
   SET content = $2, status = $3::message_status, prompt_tokens = $4,
       completion_tokens = $5, error_code = $6
 WHERE id = $1
RETURNING ${MESSAGE_COLUMNS}, false AS usage_recorded`;

type FinishRow = MessageRow & { usage_recorded: boolean };

/** The end of one generation, as finishExchange is given it. */
export type ExchangeEnd = Required<
  Pick<MessagePatch, 'content' | 'status' | 'promptTokens' | 'completionTokens' | 'errorCode'>
>;

interface PendingEnd {
  messageId: string;
  end: ExchangeEnd;
  usage: UsageEntry;
}

type SavedEnd = { message: Message; usageRecorded: boolean } | null;

/** At most this many ends go in one statement. */
const MAX_ENDS_PER_STATEMENT = 500;

/** Waits before writing ends again when the database could not be reached. */
const END_RETRY_DELAYS_MS = [1000, 2000];

/**
 * The SQL of an exchange: its start (one round trip) and its end (one round trip, shared
 * with the other ends written at the same time). They run as named prepared statements:
 * PostgreSQL parses and plans them once per connection, not on every exchange (planning
 * the start's statement costs more than running it).
 */
@Injectable()
export class ChatRepository {
  private readonly logger = new Logger('Chat');

  constructor(private readonly dataSource: DataSource) {}

  async startExchange(req: ExchangeRequest): Promise<ExchangeStart> {
    const [row] = await this.prepared<StartRow>('chat_start_exchange', START_EXCHANGE, [
      req.conversationId,
      req.userId,
      req.content,
      req.premiumByRole,
      req.dailyLimit,
      req.day,
      req.overStreamCap,
      req.staleAfterMs,
      req.defaultModels.openai,
      req.defaultModels.local,
      req.historyMessages,
    ]);
    const { user_message, assistant_message } = row;
    const userMessage = user_message ? fromJson(user_message) : null;
    return {
      conversationFound: row.conversation_found,
      agent: row.id ? toAgentForUser(row as AgentRow) : null,
      sentToday: row.sent_today,
      allowed: row.allowed,
      exchange:
        userMessage && assistant_message
          ? {
              conversationId: req.conversationId,
              userMessage,
              assistantMessage: fromJson(assistant_message),
              firstExchange: !row.conversation_title,
              history: row.history ? [...row.history.map(fromJson), userMessage] : null,
            }
          : null,
    };
  }

  /**
   * Saves the end of a generation (text, status, tokens, error code) on its placeholder
   * and adds `usage` to the caller's day. Ends that arrive while others are being written
   * go together in the next statement (Batcher): one round trip for all of them. Null
   * when the placeholder is gone (the conversation was deleted or cleared meanwhile): then
   * nothing is counted either. A user or agent deleted meanwhile gets no usage
   * (`usageRecorded` false), and the message is saved all the same.
   */
  finishExchange(messageId: string, end: ExchangeEnd, usage: UsageEntry): Promise<SavedEnd> {
    return this.ends.submit({ messageId, end, usage });
  }

  private readonly ends = new Batcher<PendingEnd, SavedEnd>(
    (batch) => this.writeEndsPatiently(batch),
    MAX_ENDS_PER_STATEMENT,
  );

  /**
   * writeEnds, tried again while the database cannot be reached (a pool whose queue
   * outlasts DATABASE_CONNECT_TIMEOUT_MS under a burst, a restart): the answers are
   * complete and their clients are waiting for the last event.
   */
  private async writeEndsPatiently(batch: PendingEnd[]): Promise<SavedEnd[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.writeEnds(batch);
      } catch (error) {
        const delay = END_RETRY_DELAYS_MS[attempt];
        if (delay === undefined || !isDatabaseUnavailable(error)) throw error;
        this.logger.warn(
          `saving ${batch.length} answer(s) failed (database unavailable); retrying in ${delay} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async writeEnds(batch: PendingEnd[]): Promise<SavedEnd[]> {
    let rows: FinishRow[];
    try {
      rows = await this.prepared<FinishRow>('chat_finish_exchanges', FINISH_EXCHANGES, [
        batch.map((b) => b.messageId),
        batch.map((b) => b.end.content),
        batch.map((b) => b.end.status),
        batch.map((b) => b.end.promptTokens),
        batch.map((b) => b.end.completionTokens),
        batch.map((b) => b.end.errorCode),
        batch.map((b) => b.usage.userId),
        batch.map((b) => b.usage.agentId),
        batch.map((b) => b.usage.day),
        batch.map((b) => b.usage.messages),
        batch.map((b) => b.usage.promptTokens),
        batch.map((b) => b.usage.completionTokens),
      ]);
    } catch (error) {
      // A user or an agent went between the existence check and the insert: each end on
      // its own, so that only that one goes without its usage.
      if (!isForeignKeyViolation(error)) throw error;
      if (batch.length > 1)
        return Promise.all(batch.map(async (b) => (await this.writeEnds([b]))[0]));
      const [{ messageId, end }] = batch;
      rows = await this.prepared<FinishRow>('chat_finish_message', FINISH_MESSAGE, [
        messageId,
        end.content,
        end.status,
        end.promptTokens,
        end.completionTokens,
        end.errorCode,
      ]);
    }
    const byId = new Map(rows.map((row) => [row.id, row]));
    return batch.map((b) => {
      const row = byId.get(b.messageId);
      return row ? { message: toMessage(row), usageRecorded: row.usage_recorded } : null;
    });
  }

  /** Runs `text` as the named prepared statement `name` on a pooled connection. */
  private async prepared<T extends QueryResultRow>(
    name: string,
    text: string,
    values: unknown[],
  ): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      return (await client.query<T>({ name, text, values })).rows;
    } finally {
      await runner.release();
    }
  }
}
