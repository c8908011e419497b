import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../core/pagination/page.js';
import { MessageRole, MessageStatus } from '../message.entity.js';

export const CONTENT_MAX_LENGTH = 32_000;

export enum MessageOrder {
  Asc = 'asc',
  Desc = 'desc',
}

export class AddMessageDto {
  @ApiProperty({ enum: MessageRole, enumName: 'MessageRole' })
  @IsIn(Object.values(MessageRole))
  role!: MessageRole;

  @ApiProperty({
    minLength: 1,
    maxLength: CONTENT_MAX_LENGTH,
    pattern: '\\S',
    description: 'Not blank.',
    example: 'What is keyset pagination?',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(CONTENT_MAX_LENGTH)
  @Matches(/\S/, { message: 'content must not be blank' })
  content!: string;
}

export class ListMessagesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: MessageOrder,
    enumName: 'MessageOrder',
    default: MessageOrder.Asc,
    description: "'asc' (default): oldest first; 'desc': newest first.",
  })
  @IsOptional()
  @IsIn(Object.values(MessageOrder))
  order?: MessageOrder;
}

/** A message of a conversation (also the payload of chat stream events). */
export class MessageDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ enum: MessageRole, enumName: 'MessageRole' })
  role!: MessageRole;

  @ApiProperty({ example: 'Keyset pagination continues after the last row seen.' })
  content!: string;

  @ApiProperty({
    enum: MessageStatus,
    enumName: 'MessageStatus',
    description: "'streaming' while an assistant reply is being generated.",
  })
  status!: MessageStatus;

  @ApiProperty({ type: String, nullable: true, example: 'gpt-4o-mini' })
  model!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 120 })
  promptTokens!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 48 })
  completionTokens!: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'LLM_TIMEOUT' })
  errorCode!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T10:00:00.000Z' })
  createdAt!: string;
}
