import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppException } from '../../core/errors/app.exception.js';
import { Conversation } from '../conversation.entity.js';
import { ConversationErrorCode } from '../conversations.errors.js';
import { Message, MessageRole, MessageStatus } from '../message.entity.js';

export const CHAT_IN_PROGRESS = 'CHAT_IN_PROGRESS';

export interface Exchange {
  conversationId: string;
  userMessage: Message;
  assistantMessage: Message;
  /** True while the conversation has no title: a completed answer gets it one. */
  firstExchange: boolean;
}

/**
 * Starts an exchange atomically: under the conversation's row lock, refuses a second
 * generation (409), retires a generation left `streaming` by a process that died, and
 * inserts the user message and the assistant placeholder with increasing times.
 */
@Injectable()
export class ChatRepository {
  constructor(private readonly dataSource: DataSource) {}

  startExchange(
    userId: string,
    conversationId: string,
    content: string,
    model: string,
    staleAfterMs: number,
  ): Promise<Exchange> {
    return this.dataSource.transaction(async (m) => {
      const locked: { title: string | null }[] = await m.query(
        'SELECT title FROM conversations WHERE id = $1 AND user_id = $2 FOR UPDATE',
        [conversationId, userId],
      );
      const conversation = locked[0];
      if (!conversation) {
        throw new AppException(404, ConversationErrorCode.NotFound, 'No such conversation.');
      }
      await m.query(
        `UPDATE messages SET status = 'error', error_code = 'INTERRUPTED'
          WHERE conversation_id = $1 AND status = 'streaming' AND created_at < now() - make_interval(secs => $2::float / 1000)`,
        [conversationId, staleAfterMs],
      );
      const busy: unknown[] = await m.query(
        `SELECT 1 FROM messages WHERE conversation_id = $1 AND status = 'streaming' LIMIT 1`,
        [conversationId],
      );
      if (busy.length > 0) {
        throw new AppException(
          409,
          CHAT_IN_PROGRESS,
          'An answer is already being generated in this conversation.',
        );
      }
      const times: { t1: Date; t2: Date }[] = await m.query(
        `SELECT t1, t1 + interval '1 millisecond' AS t2 FROM (
           SELECT date_trunc('milliseconds', GREATEST(clock_timestamp(),
                  COALESCE(max(created_at) + interval '1 millisecond', '-infinity'))) AS t1
             FROM messages WHERE conversation_id = $1) s`,
        [conversationId],
      );
      const { t1, t2 } = times[0];
      const repo = m.getRepository(Message);
      const userMessage = await repo.save(
        repo.create({
          conversationId,
          role: MessageRole.User,
          content,
          status: MessageStatus.Complete,
          createdAt: t1,
        }),
      );
      const assistantMessage = await repo.save(
        repo.create({
          conversationId,
          role: MessageRole.Assistant,
          content: '',
          status: MessageStatus.Streaming,
          model,
          createdAt: t2,
        }),
      );
      await m
        .getRepository(Conversation)
        .update(
          { id: conversationId },
          { messageCount: () => 'message_count + 2', lastMessageAt: t2, lastActivityAt: t2 },
        );
      return { conversationId, userMessage, assistantMessage, firstExchange: !conversation.title };
    });
  }
}
