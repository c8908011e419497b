import { AppException } from '../core/errors/app.exception.js';
import { CoreErrorCode } from '../core/errors/error-codes.js';
import { decodeCursor } from '../core/pagination/page.js';
import type { Conversation } from './conversation.entity.js';
import type { ConversationDto } from './dto/conversation.dto.js';
import type { MessageDto } from './dto/message.dto.js';
import type { Message } from './message.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  if (cursor === undefined) return null;
  const [at, id] = decodeCursor(cursor, 2);
  const date = typeof at === 'string' ? new Date(at) : undefined;
  if (!date || Number.isNaN(date.getTime()) || typeof id !== 'string' || !UUID.test(id)) {
    throw new AppException(
      400,
      CoreErrorCode.ValidationFailed,
      'cursor is not a cursor this API issued.',
      {
        title: 'Validation failed',
        errors: [
          { field: 'cursor', rule: 'isCursor', message: 'cursor is not a cursor this API issued' },
        ],
      },
    );
  }
  return { at: date, id };
}

/** `text` as a literal ILIKE pattern matching titles that contain it. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
