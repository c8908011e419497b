import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../core/pagination/page.js';
import { TitleSource } from '../conversation.entity.js';

export const TITLE_MAX_LENGTH = 200;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateConversationDto {
  @ApiProperty({ format: 'uuid', description: 'An agent the caller may use.' })
  @IsUUID()
  agentId!: string;

  @ApiPropertyOptional({
    example: 'Trip to Lisbon',
    minLength: 1,
    maxLength: TITLE_MAX_LENGTH,
    description: 'Set by the user (never replaced by an automatic title).',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(TITLE_MAX_LENGTH)
  title?: string;
}

export class RenameConversationDto {
  @ApiProperty({ example: 'Trip to Lisbon', minLength: 1, maxLength: TITLE_MAX_LENGTH })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(TITLE_MAX_LENGTH)
  title!: string;
}

export class ListConversationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only conversations with this agent.' })
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: TITLE_MAX_LENGTH,
    description: 'Only conversations whose title contains this text (case-insensitive, literal).',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(TITLE_MAX_LENGTH)
  q?: string;
}

/** A conversation, as its owner sees it. */
export class ConversationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  agentId!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Trip to Lisbon' })
  title!: string | null;

  // Inline (no enumName): a nullable $ref is not valid OpenAPI 3.0.
  @ApiProperty({
    type: String,
    enum: [...Object.values(TitleSource), null],
    nullable: true,
    description: "Who set the title; a 'user' title is never replaced automatically.",
  })
  titleSource!: TitleSource | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 4 })
  messageCount!: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-11-21T10:00:00.000Z',
  })
  lastMessageAt!: string | null;

  @ApiProperty({
    format: 'date-time',
    example: '2026-11-21T10:00:00.000Z',
    description:
      'The sort key of the list: the last message, else when it was created, cleared or handed out as fresh.',
  })
  lastActivityAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T10:00:00.000Z' })
  updatedAt!: string;
}
