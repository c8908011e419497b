import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { MessageDto } from '../../dto/message.dto.js';

export class ChatRequestDto {
  @ApiProperty({ example: 'How do I rotate my API keys?', minLength: 1, maxLength: 32000 })
  @IsString()
  @MinLength(1)
  @MaxLength(32000)
  content!: string;
}

export class ChatResultDto {
  @ApiProperty({ type: () => MessageDto, description: 'The saved user message.' })
  userMessage!: MessageDto;

  @ApiProperty({
    type: () => MessageDto,
    description: 'The saved assistant message (status complete, aborted or error).',
  })
  message!: MessageDto;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'stop',
    description: "Why the model stopped ('stop', 'length', ...); null unless complete.",
  })
  finishReason!: string | null;
}

/** Why a streamed answer ended without completing (the `error` event's `code`). */
export const CHAT_STREAM_ERROR_CODES = [
  'GENERATION_ABORTED',
  'SERVER_SHUTTING_DOWN',
  'PROVIDER_TIMEOUT',
  'PROVIDER_ERROR',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_REJECTED',
  'DATABASE_UNAVAILABLE',
  'MESSAGE_NOT_FOUND',
  'INTERNAL_ERROR',
] as const;

/** `delta` event data: the next piece of the answer. */
export class ChatDeltaDataDto {
  @ApiProperty({ example: 'Hel' })
  text!: string;
}

/** `message` event data: the saved assistant message, complete. */
export class ChatMessageDataDto extends MessageDto {
  @ApiProperty({ example: 'stop', description: "Why the model stopped ('stop', 'length', ...)." })
  finishReason!: string;
}

/** `error` event data: the answer ended early; what arrived is saved. */
export class ChatErrorDataDto {
  @ApiProperty({
    enum: CHAT_STREAM_ERROR_CODES,
    example: 'PROVIDER_TIMEOUT',
    description:
      'GENERATION_ABORTED: stopped; SERVER_SHUTTING_DOWN: the server is restarting; PROVIDER_*: the model provider timed out, failed, was unreachable or refused; ' +
      'DATABASE_UNAVAILABLE: the database could not be reached (to read the history or to save the answer); ' +
      'MESSAGE_NOT_FOUND: the conversation was deleted or cleared while answering; INTERNAL_ERROR: the answer could not be saved.',
  })
  code!: (typeof CHAT_STREAM_ERROR_CODES)[number];

  @ApiProperty({ example: 'The model provider failed; the partial answer was saved.' })
  message!: string;

  @ApiProperty({
    type: () => MessageDto,
    description:
      'The assistant message as saved (status aborted or error, the text that arrived); when the end could not be saved, as saved when the stream started (status streaming).',
  })
  partial!: MessageDto;
}

/** One event of the text/event-stream answer: its `event:` name and its JSON `data:`. */
export class ChatUserMessageEventDto {
  @ApiProperty({ enum: ['user-message'] })
  event!: 'user-message';

  @ApiProperty({ type: () => MessageDto, description: 'The saved user message (first event).' })
  data!: MessageDto;
}

export class ChatDeltaEventDto {
  @ApiProperty({ enum: ['delta'] })
  event!: 'delta';

  @ApiProperty({ type: () => ChatDeltaDataDto })
  data!: ChatDeltaDataDto;
}

export class ChatMessageEventDto {
  @ApiProperty({ enum: ['message'] })
  event!: 'message';

  @ApiProperty({
    type: () => ChatMessageDataDto,
    description: 'The last event of a complete answer.',
  })
  data!: ChatMessageDataDto;
}

export class ChatErrorEventDto {
  @ApiProperty({ enum: ['error'] })
  event!: 'error';

  @ApiProperty({
    type: () => ChatErrorDataDto,
    description: 'The last event of an answer that ended early.',
  })
  data!: ChatErrorDataDto;
}

export const CHAT_EVENT_MODELS = [
  ChatUserMessageEventDto,
  ChatDeltaEventDto,
  ChatMessageEventDto,
  ChatErrorEventDto,
] as const;
