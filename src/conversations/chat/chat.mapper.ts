import { toMessageDto } from '../conversations.mapper.js';
import type { ChatOutcome } from './chat.service.js';
import type { ChatResultDto } from './dto/chat.dto.js';

export function toChatResult(outcome: ChatOutcome): ChatResultDto {
  return {
    userMessage: toMessageDto(outcome.exchange.userMessage),
    message: toMessageDto(outcome.message),
    finishReason: outcome.finishReason ?? null,
  };
}
