import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_PAGE_SIZE, toPage, type PageDto } from '../core/pagination/page.js';
import { conversationNotFound, messageNotFound } from './conversations.errors.js';
import { messageCursorKey, parseTimeCursor, toMessageDto } from './conversations.mapper.js';
import { ConversationsRepository } from './conversations.repository.js';
import {
  MessageOrder,
  type AddMessageDto,
  type ListMessagesQueryDto,
  type MessageDto,
} from './dto/message.dto.js';
import { MessageStatus, type Message } from './message.entity.js';
import { MessagesRepository, type MessagePatch, type NewMessage } from './messages.repository.js';

export type { MessagePatch, NewMessage };

export const DEFAULT_HISTORY_MESSAGES = 200;

/**
 * Messages of a conversation. The HTTP methods take the caller's user id and answer 404
 * CONVERSATION_NOT_FOUND for anyone else's conversation; appendMessage, updateMessage and
 * history serve the chat, which has checked ownership (ConversationsService.getOwned).
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
  ) {}

  /** Oldest first, or newest first with order=desc. */
  async list(
    userId: string,
    conversationId: string,
    query: ListMessagesQueryDto,
  ): Promise<PageDto<MessageDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const cursor = parseTimeCursor(query.cursor);
    if (!(await this.conversations.findOwned(userId, conversationId))) throw conversationNotFound();
    const rows = await this.messages.list(
      conversationId,
      query.order ?? MessageOrder.Asc,
      cursor,
      limit,
    );
    return toPage(rows, limit, toMessageDto, messageCursorKey);
  }

  /** A complete message without generation (imports, system notes, client-side replies). */
  async add(userId: string, conversationId: string, body: AddMessageDto): Promise<MessageDto> {
    const message = await this.messages.append(
      conversationId,
      { role: body.role, content: body.content, status: MessageStatus.Complete },
      userId,
    );
    if (!message) throw conversationNotFound();
    return toMessageDto(message);
  }

  /** Deletes every message and resets the counters; the conversation and its title stay. */
  async clear(userId: string, conversationId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.conversations.resetCountsOwned(userId, conversationId, manager)))
        throw conversationNotFound();
      await this.messages.deleteAllOfConversation(conversationId, manager);
    });
  }

  /**
   * For the chat: stores a message and counts it on the conversation (message count, last
   * message and activity times) atomically. 404 CONVERSATION_NOT_FOUND when the
   * conversation is gone.
   */
  async appendMessage(conversationId: string, message: NewMessage): Promise<Message> {
    const stored = await this.messages.append(conversationId, message);
    if (!stored) throw conversationNotFound();
    return stored;
  }

  /**
   * For the chat: changes the given fields of a message (streaming progress, final
   * status, token counts). 404 MESSAGE_NOT_FOUND when it is gone (conversation deleted or
   * cleared meanwhile).
   */
  async updateMessage(messageId: string, patch: MessagePatch): Promise<Message> {
    const message = await this.messages.update(messageId, patch);
    if (!message) throw messageNotFound();
    return message;
  }

  /** For the chat: the latest `maxMessages` messages not still streaming, oldest first. */
  history(conversationId: string, maxMessages = DEFAULT_HISTORY_MESSAGES): Promise<Message[]> {
    return this.messages.history(conversationId, maxMessages);
  }
}
