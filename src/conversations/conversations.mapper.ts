import { decodeTimeIdCursor } from '../core/pagination/page.js';
import type { Conversation } from './conversation.entity.js';
import type { ConversationDto } from './dto/conversation.dto.js';
import type { MessageDto } from './dto/message.dto.js';
import type { Message } from './message.entity.js';

/** Keyset position: the sort timestamp and id of the last row of the previous page. */
export interface TimeCursor {
  at: Date;
  id: string;
}

/** The one entity-to-DTO mapping of a conversation. */
export function toConversationDto(conversation: Conversation): ConversationDto {
  return {
    id: conversation.id,
    agentId: conversation.agentId,
    title: conversation.title,
    titleSource: conversation.titleSource,
    messageCount: conversation.messageCount,
    lastMessageAt: conversation.lastMessageAt?.toISOString() ?? null,
    lastActivityAt: conversation.lastActivityAt.toISOString(),
    createdAt: conversation.createdAt.toISOString(),
    updatedAt: conversation.updatedAt.toISOString(),
  };
}

/** The one mapping of a message; the chat stream sends it in its events too. */
export function toMessageDto(message: Message): MessageDto {
  return {
    id: message.id,
    conversationId: message.conversationId,
    role: message.role,
    content: message.content,
    status: message.status,
    model: message.model,
    promptTokens: message.promptTokens,
    completionTokens: message.completionTokens,
    errorCode: message.errorCode,
    createdAt: message.createdAt.toISOString(),
  };
}

export const conversationCursorKey = (row: Conversation): string[] => [
  row.lastActivityAt.toISOString(),
  row.id,
];

export const messageCursorKey = (row: Message): string[] => [row.createdAt.toISOString(), row.id];

/** Reads a cursor issued by conversationCursorKey or messageCursorKey. */
export function parseTimeCursor(cursor: string | undefined): TimeCursor | null {
  return cursor === undefined ? null : decodeTimeIdCursor(cursor);
}

/** `text` as a literal ILIKE pattern matching titles that contain it. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
