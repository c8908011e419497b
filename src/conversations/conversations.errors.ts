import { AppException } from '../core/errors/app.exception.js';

/** Codes of the conversations feature's problem responses. */
export enum ConversationErrorCode {
  /** 404: no such conversation, or it is someone else's (the same answer either way). */
  NotFound = 'CONVERSATION_NOT_FOUND',
  /** 404: no such message (it went with its conversation, or the messages were cleared). */
  MessageNotFound = 'MESSAGE_NOT_FOUND',
}

export const conversationNotFound = (): AppException =>
  new AppException(404, ConversationErrorCode.NotFound, 'No conversation with this id.');

export const messageNotFound = (): AppException =>
  new AppException(404, ConversationErrorCode.MessageNotFound, 'No message with this id.');
