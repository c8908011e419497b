import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentsService } from '../agents/agents.service.js';
import { agentNotFound } from '../agents/agents.errors.js';
import type { Principal } from '../auth/principal.js';
import { DEFAULT_PAGE_SIZE, toPage, type PageDto } from '../core/pagination/page.js';
import type { Conversation } from './conversation.entity.js';
import { conversationNotFound } from './conversations.errors.js';
import {
  containsPattern,
  conversationCursorKey,
  parseTimeCursor,
  toConversationDto,
} from './conversations.mapper.js';
import { ConversationsRepository } from './conversations.repository.js';
import {
  TITLE_MAX_LENGTH,
  type ConversationDto,
  type ListConversationsQueryDto,
} from './dto/conversation.dto.js';

/** A fresh conversation and whether it was made for this request (else an empty one reused). */
export interface FreshConversation {
  conversation: ConversationDto;
  created: boolean;
}

const isForeignKeyViolation = (error: unknown): boolean => {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return e?.code === '23503' || e?.driverError?.code === '23503';
};

/**
 * Conversations: a user sees and changes only their own (anyone else's is 404
 * CONVERSATION_NOT_FOUND). Messages: MessagesService.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly agents: AgentsService,
  ) {}

  /** A new conversation with an agent the caller may use. */
  async create(principal: Principal, agentId: string, title?: string): Promise<ConversationDto> {
    await this.agents.assertUsable(principal, agentId);
    const conversation = await this.withAgent(() =>
      this.conversations.create(principal.userId, agentId, title ?? null),
    );
    return toConversationDto(conversation);
  }

  /**
   * The caller's newest empty conversation with the agent, else a new one. Requests of one
   * user and agent run one at a time, so concurrent calls do not make two.
   */
  async fresh(principal: Principal, agentId: string): Promise<FreshConversation> {
    await this.agents.assertUsable(principal, agentId);
    return this.withAgent(() =>
      this.dataSource.transaction(async (manager) => {
        await this.conversations.lockFreshSlot(principal.userId, agentId, manager);
        const empty = await this.conversations.lockNewestEmpty(principal.userId, agentId, manager);
        const conversation = empty
          ? await this.conversations.touch(empty.id, manager)
          : await this.conversations.create(principal.userId, agentId, null, manager);
        return { conversation: toConversationDto(conversation), created: !empty };
      }),
    );
  }

  /** The caller's conversations, most recent activity first. */
  async list(userId: string, query: ListConversationsQueryDto): Promise<PageDto<ConversationDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.conversations.listForUser(
      userId,
      {
        agentId: query.agentId,
        titlePattern: query.q === undefined ? undefined : containsPattern(query.q),
      },
      parseTimeCursor(query.cursor),
      limit,
    );
    return toPage(rows, limit, toConversationDto, conversationCursorKey);
  }

  async get(userId: string, conversationId: string): Promise<ConversationDto> {
    return toConversationDto(await this.getOwned(userId, conversationId));
  }

  /** For the chat: the user's conversation, or 404 CONVERSATION_NOT_FOUND. */
  async getOwned(userId: string, conversationId: string): Promise<Conversation> {
    const conversation = await this.conversations.findOwned(userId, conversationId);
    if (!conversation) throw conversationNotFound();
    return conversation;
  }

  /** The user's own title: automatic titles never replace it afterwards. */
  async rename(userId: string, conversationId: string, title: string): Promise<ConversationDto> {
    const conversation = await this.conversations.setUserTitle(userId, conversationId, title);
    if (!conversation) throw conversationNotFound();
    return toConversationDto(conversation);
  }

  /**
   * For the chat: an automatic title, unless the user set one (checked in the same
   * UPDATE, so a concurrent rename wins). True when the title changed.
   */
  async setSystemTitle(conversationId: string, title: string): Promise<boolean> {
    const clean = title.trim().slice(0, TITLE_MAX_LENGTH);
    if (clean.length === 0) return false;
    return this.conversations.setSystemTitle(conversationId, clean);
  }

  /** Deletes the conversation with its messages. */
  async delete(userId: string, conversationId: string): Promise<void> {
    if (!(await this.conversations.deleteOwned(userId, conversationId)))
      throw conversationNotFound();
  }

  /** The agent was deleted between the access check and the insert. */
  private async withAgent<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isForeignKeyViolation(error)) throw agentNotFound();
      throw error;
    }
  }
}
