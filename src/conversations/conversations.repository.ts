import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Conversation, TitleSource } from './conversation.entity.js';
import type { TimeCursor } from './conversations.mapper.js';

interface ConversationRow {
  id: string;
  user_id: string;
  agent_id: string;
  title: string | null;
  title_source: TitleSource | null;
  message_count: number;
  last_message_at: Date | null;
  last_activity_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface ConversationFilter {
  agentId?: string;
  /** An ILIKE pattern (see containsPattern). */
  titlePattern?: string;
}

const COLUMNS =
  'id, user_id, agent_id, title, title_source, message_count, last_message_at, last_activity_at, created_at, updated_at';

/**
 * All SQL about conversations. Reads and writes on behalf of a user take the user id
 * first, so an unscoped query is hard to write; the id-only methods serve the chat
 * engine (after it checked ownership) and the cleanup job.
 */
@Injectable()
export class ConversationsRepository {
  constructor(
    @InjectRepository(Conversation) private readonly conversations: Repository<Conversation>,
  ) {}

  async findOwned(
    userId: string,
    conversationId: string,
    manager: EntityManager = this.conversations.manager,
  ): Promise<Conversation | null> {
    const rows: ConversationRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM conversations WHERE id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  /**
   * The user's conversations, most recent activity first, keyset on (last_activity_at,
   * id); `limit + 1` rows.
   */
  async listForUser(
    userId: string,
    filter: ConversationFilter,
    cursor: TimeCursor | null,
    limit: number,
  ): Promise<Conversation[]> {
    const rows: ConversationRow[] = await this.conversations.query(
      `SELECT ${COLUMNS} FROM conversations
        WHERE user_id = $1
          AND ($2::uuid IS NULL OR agent_id = $2::uuid)
          AND ($3::text IS NULL OR title ILIKE $3::text ESCAPE '\\')
          AND ($4::timestamptz IS NULL OR (last_activity_at, id) < ($4::timestamptz, $5::uuid))
        ORDER BY last_activity_at DESC, id DESC
        LIMIT $6`,
      [
        userId,
        filter.agentId ?? null,
        filter.titlePattern ?? null,
        cursor?.at ?? null,
        cursor?.id ?? null,
        limit + 1,
      ],
    );
    return rows.map(toConversation);
  }

  /** A new empty conversation; a title given here is the user's. */
  async create(
    userId: string,
    agentId: string,
    title: string | null,
    manager: EntityManager = this.conversations.manager,
  ): Promise<Conversation> {
    const rows: ConversationRow[] = await manager.query(
      `INSERT INTO conversations (user_id, agent_id, title, title_source)
       VALUES ($1, $2, $3, $4::conversation_title_source)
       RETURNING ${COLUMNS}`,
      [userId, agentId, title, title === null ? null : TitleSource.User],
    );
    return toConversation(rows[0]);
  }

  /** Sets a title chosen by the user; null when the user has no such conversation. */
  async setUserTitle(
    userId: string,
    conversationId: string,
    title: string,
  ): Promise<Conversation | null> {
    const [rows]: [ConversationRow[], number] = await this.conversations.query(
      `UPDATE conversations SET title = $3, title_source = 'user', updated_at = now()
        WHERE id = $1 AND user_id = $2
        RETURNING ${COLUMNS}`,
      [conversationId, userId, title],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  /** Sets an automatic title unless the user chose one; true when it changed the row. */
  async setSystemTitle(conversationId: string, title: string): Promise<boolean> {
    const [, affected]: [unknown[], number] = await this.conversations.query(
      `UPDATE conversations SET title = $2, title_source = 'system', updated_at = now()
        WHERE id = $1 AND title_source IS DISTINCT FROM 'user'`,
      [conversationId, title],
    );
    return affected > 0;
  }

  /** Deletes the conversation (its messages go by FK cascade); false when not the user's. */
  async deleteOwned(userId: string, conversationId: string): Promise<boolean> {
    const [, affected]: [unknown[], number] = await this.conversations.query(
      `DELETE FROM conversations WHERE id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    return affected > 0;
  }

  /**
   * Resets the counters of the user's conversation before its messages are deleted, and
   * locks its row until the transaction ends (appends wait, then count from zero).
   */
  async resetCountsOwned(
    userId: string,
    conversationId: string,
    manager: EntityManager,
  ): Promise<boolean> {
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE conversations
          SET message_count = 0, last_message_at = NULL, last_activity_at = now(), updated_at = now()
        WHERE id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    return affected > 0;
  }

  /**
   * The user's most recently active conversation with the agent that has no messages,
   * locked until the transaction ends (the cleanup job cannot delete it meanwhile).
   */
  async lockNewestEmpty(
    userId: string,
    agentId: string,
    manager: EntityManager,
  ): Promise<Conversation | null> {
    const rows: ConversationRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM conversations
        WHERE user_id = $1 AND agent_id = $2 AND message_count = 0
        ORDER BY last_activity_at DESC, id DESC
        LIMIT 1
          FOR UPDATE`,
      [userId, agentId],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  /** Marks the conversation active now (it was handed out again as a fresh one). */
  async touch(conversationId: string, manager: EntityManager): Promise<Conversation> {
    const [rows]: [ConversationRow[], number] = await manager.query(
      `UPDATE conversations SET last_activity_at = now(), updated_at = now()
        WHERE id = $1
        RETURNING ${COLUMNS}`,
      [conversationId],
    );
    return toConversation(rows[0]);
  }

  /**
   * Serializes "fresh conversation" requests of one user and agent until the
   * transaction ends, so two concurrent requests cannot both create one.
   */
  async lockFreshSlot(userId: string, agentId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtext('conversations.fresh'), hashtext($1 || ':' || $2))`,
      [userId, agentId],
    );
  }

  /**
   * Deletes up to `batch` conversations without messages and without activity since
   * `before`; rows being written right now are skipped (next run). Returns how many went.
   */
  async deleteEmptyInactive(before: Date, batch: number): Promise<number> {
    const [, affected]: [unknown[], number] = await this.conversations.query(
      `DELETE FROM conversations
        WHERE id IN (SELECT id FROM conversations
                      WHERE message_count = 0 AND last_activity_at < $1
                      ORDER BY last_activity_at
                      LIMIT $2
                        FOR UPDATE SKIP LOCKED)
          AND message_count = 0 AND last_activity_at < $1`,
      [before, batch],
    );
    return affected;
  }

  /** Account deletion: every conversation of the user (messages go by FK cascade). */
  async deleteAllOfUser(userId: string, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM conversations WHERE user_id = $1`, [userId]);
  }
}

export function toConversation(row: ConversationRow): Conversation {
  const c = new Conversation();
  c.id = row.id;
  c.userId = row.user_id;
  c.agentId = row.agent_id;
  c.title = row.title;
  c.titleSource = row.title_source;
  c.messageCount = row.message_count;
  c.lastMessageAt = row.last_message_at;
  c.lastActivityAt = row.last_activity_at;
  c.createdAt = row.created_at;
  c.updatedAt = row.updated_at;
  return c;
}
