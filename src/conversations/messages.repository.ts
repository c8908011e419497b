import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { TimeCursor } from './conversations.mapper.js';
import { Message, MessageRole, MessageStatus } from './message.entity.js';

/** A message's columns as PostgreSQL returns them. */
export interface MessageRow {
  id: string;
  conversation_id: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  model: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  error_code: string | null;
  created_at: Date;
}

/** A message to store. */
export interface NewMessage {
  role: MessageRole;
  content: string;
  status: MessageStatus;
  model?: string | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  errorCode?: string | null;
}

/** Fields of a stored message to change; omitted (undefined) fields stay. */
export interface MessagePatch {
  content?: string;
  status?: MessageStatus;
  model?: string | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  errorCode?: string | null;
}

/** The columns of a message, in MessageRow's names. */
export const MESSAGE_COLUMNS =
  'id, conversation_id, role, content, status, model, prompt_tokens, completion_tokens, error_code, created_at';

const PATCH_COLUMNS: Record<keyof MessagePatch, string> = {
  content: 'content',
  status: 'status',
  model: 'model',
  promptTokens: 'prompt_tokens',
  completionTokens: 'completion_tokens',
  errorCode: 'error_code',
};

/**
 * All SQL about messages. Messages are reached through their conversation, whose
 * ownership the services check (or, for appends over HTTP, this SQL checks).
 */
@Injectable()
export class MessagesRepository {
  constructor(@InjectRepository(Message) private readonly messages: Repository<Message>) {}

  /**
   * Stores a message and, in the same statement, counts it on its conversation: the
   * conversation row is updated first (locking it), so appends to one conversation run
   * one at a time, each message's created_at is later than the previous one's by at
   * least a millisecond, and a conversation deleted meanwhile gets no orphan. With
   * `ownerId`, only a conversation of that user is written. Null when there is no
   * (such) conversation.
   */
  async append(
    conversationId: string,
    message: NewMessage,
    ownerId: string | null = null,
  ): Promise<Message | null> {
    const rows: MessageRow[] = await this.messages.query(
      `WITH clock AS (SELECT date_trunc('milliseconds', clock_timestamp()) AS at),
            conversation AS (
              UPDATE conversations c
                 SET message_count = c.message_count + 1,
                     last_message_at = greatest(clock.at, c.last_message_at + interval '1 millisecond'),
                     last_activity_at = greatest(clock.at, c.last_message_at + interval '1 millisecond'),
                     updated_at = now()
                FROM clock
               WHERE c.id = $1 AND ($2::uuid IS NULL OR c.user_id = $2::uuid)
              RETURNING c.id, c.last_message_at)
       INSERT INTO messages (conversation_id, role, content, status, model, prompt_tokens,
                             completion_tokens, error_code, created_at)
       SELECT conversation.id, $3::message_role, $4::text, $5::message_status, $6::varchar,
              $7::int, $8::int, $9::varchar, conversation.last_message_at
         FROM conversation
       RETURNING ${MESSAGE_COLUMNS}`,
      [
        conversationId,
        ownerId,
        message.role,
        message.content,
        message.status,
        message.model ?? null,
        message.promptTokens ?? null,
        message.completionTokens ?? null,
        message.errorCode ?? null,
      ],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** Changes the given fields; null when there is no such message. */
  async update(messageId: string, patch: MessagePatch): Promise<Message | null> {
    const sets: string[] = [];
    const values: unknown[] = [messageId];
    for (const key of Object.keys(PATCH_COLUMNS) as (keyof MessagePatch)[]) {
      if (patch[key] === undefined) continue;
      values.push(patch[key]);
      const column = PATCH_COLUMNS[key];
      sets.push(`${column} = $${values.length}${column === 'status' ? '::message_status' : ''}`);
    }
    if (sets.length === 0) {
      const rows: MessageRow[] = await this.messages.query(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`,
        values,
      );
      return rows[0] ? toMessage(rows[0]) : null;
    }
    const [rows]: [MessageRow[], number] = await this.messages.query(
      `UPDATE messages SET ${sets.join(', ')} WHERE id = $1 RETURNING ${MESSAGE_COLUMNS}`,
      values,
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** A page of the conversation's messages in `order`, keyset on (created_at, id); `limit + 1` rows. */
  async list(
    conversationId: string,
    order: 'asc' | 'desc',
    cursor: TimeCursor | null,
    limit: number,
  ): Promise<Message[]> {
    const after = order === 'asc' ? '>' : '<';
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    const rows: MessageRow[] = await this.messages.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
        WHERE conversation_id = $1
          AND ($2::timestamptz IS NULL OR (created_at, id) ${after} ($2::timestamptz, $3::uuid))
        ORDER BY created_at ${direction}, id ${direction}
        LIMIT $4`,
      [conversationId, cursor?.at ?? null, cursor?.id ?? null, limit + 1],
    );
    return rows.map(toMessage);
  }

  /** The latest `max` messages not still streaming, oldest first. */
  async history(conversationId: string, max: number): Promise<Message[]> {
    const rows: MessageRow[] = await this.messages.query(
      `SELECT ${MESSAGE_COLUMNS} FROM (
         SELECT ${MESSAGE_COLUMNS} FROM messages
          WHERE conversation_id = $1 AND status <> 'streaming'
          ORDER BY created_at DESC, id DESC
          LIMIT $2) latest
        ORDER BY created_at, id`,
      [conversationId, max],
    );
    return rows.map(toMessage);
  }

  async deleteAllOfConversation(conversationId: string, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM messages WHERE conversation_id = $1`, [conversationId]);
  }
}

export function toMessage(row: MessageRow): Message {
  const m = new Message();
  m.id = row.id;
  m.conversationId = row.conversation_id;
  m.role = row.role;
  m.content = row.content;
  m.status = row.status;
  m.model = row.model;
  m.promptTokens = row.prompt_tokens;
  m.completionTokens = row.completion_tokens;
  m.errorCode = row.error_code;
  m.createdAt = row.created_at;
  return m;
}
