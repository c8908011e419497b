import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { AgentAccessDenial } from '../agent-access.js';
import { AgentProvider } from '../agent.entity.js';

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MODEL_PATTERN = /^\S{1,200}$/;
const MAX_PROMPT = 32_000;
const MAX_DESCRIPTION = 2_000;
const MAX_TOKENS = 1_000_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Validate only when present: `null` is refused (unlike @IsOptional, which lets it through). */
const unlessAbsent = ValidateIf((_o: object, value: unknown) => value !== undefined);

export class AgentAccessDto {
  @ApiProperty({ description: 'Whether the caller may chat with this agent.' })
  allowed!: boolean;

  @ApiProperty({
    enum: [...Object.values(AgentAccessDenial), null],
    type: 'string',
    nullable: true,
    description:
      'Why not: PREMIUM_REQUIRED = a premium agent, and the caller has neither the premium role nor a grant.',
  })
  reason!: AgentAccessDenial | null;
}

/** An enabled agent as users see it, with whether they may use it. */
export class AgentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'assistant' })
  slug!: string;

  @ApiProperty({ example: 'Assistant' })
  name!: string;

  @ApiProperty({ example: 'A general assistant for everyday questions.' })
  description!: string;

  @ApiProperty({ description: 'Needs the premium role or a grant.' })
  premium!: boolean;

  @ApiProperty({
    example: 'gpt-4o-mini',
    description: "The model that answers (the deployment's default when the agent sets none).",
  })
  model!: string;

  @ApiProperty({ type: AgentAccessDto })
  access!: AgentAccessDto;
}

/** An agent with everything administrators manage. */
export class AdminAgentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'assistant' })
  slug!: string;

  @ApiProperty({ example: 'Assistant' })
  name!: string;

  @ApiProperty({ example: 'A general assistant for everyday questions.' })
  description!: string;

  @ApiProperty({ enum: AgentProvider, enumName: 'AgentProvider' })
  provider!: AgentProvider;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: "null = the deployment's default (LLM_MODEL, or the local development model).",
  })
  model!: string | null;

  @ApiProperty({ example: 'You are Meridian Assistant, a concise and helpful assistant.' })
  systemPrompt!: string;

  @ApiProperty({ type: Number, nullable: true, example: 0.7 })
  temperature!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 1024 })
  maxTokens!: number | null;

  @ApiProperty()
  premium!: boolean;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T10:00:00.000Z' })
  updatedAt!: string;
}

export class CreateAgentDto {
  @ApiProperty({ example: 'code-reviewer', pattern: SLUG_PATTERN.source, maxLength: 63 })
  @IsString()
  @Matches(SLUG_PATTERN, {
    message: 'slug must be 1-63 lowercase letters, digits or hyphens, not starting with a hyphen',
  })
  slug!: string;

  @ApiProperty({ example: 'Code reviewer', minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION, default: '' })
  @unlessAbsent
  @Transform(trim)
  @IsString()
  @MaxLength(MAX_DESCRIPTION)
  description?: string;

  @ApiPropertyOptional({
    enum: AgentProvider,
    enumName: 'AgentProvider',
    description: "Default: 'openai' when an LLM endpoint is configured, else 'local'.",
  })
  @unlessAbsent
  @IsEnum(AgentProvider)
  provider?: AgentProvider;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    pattern: MODEL_PATTERN.source,
    minLength: 1,
    maxLength: 200,
    description: "null or absent = the deployment's default model.",
  })
  @IsOptional()
  @IsString()
  @Matches(MODEL_PATTERN, { message: 'model must be 1-200 characters without spaces' })
  model?: string | null;

  @ApiProperty({ minLength: 1, maxLength: MAX_PROMPT, pattern: '\\S', description: 'Not blank.' })
  @IsString()
  @Matches(/\S/, { message: 'systemPrompt must not be blank' })
  @MaxLength(MAX_PROMPT)
  systemPrompt!: string;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 2 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: MAX_TOKENS })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOKENS)
  maxTokens?: number | null;

  @ApiPropertyOptional({ default: false })
  @unlessAbsent
  @IsBoolean()
  premium?: boolean;

  @ApiPropertyOptional({ default: true, description: 'Create it disabled to prepare it unseen.' })
  @unlessAbsent
  @IsBoolean()
  enabled?: boolean;
}

/** Absent fields stay as they are; `null` resets model, temperature or maxTokens to the default. */
export class UpdateAgentDto {
  @ApiPropertyOptional({ example: 'code-reviewer', pattern: SLUG_PATTERN.source, maxLength: 63 })
  @unlessAbsent
  @IsString()
  @Matches(SLUG_PATTERN, {
    message: 'slug must be 1-63 lowercase letters, digits or hyphens, not starting with a hyphen',
  })
  slug?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @unlessAbsent
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION })
  @unlessAbsent
  @Transform(trim)
  @IsString()
  @MaxLength(MAX_DESCRIPTION)
  description?: string;

  @ApiPropertyOptional({ enum: AgentProvider, enumName: 'AgentProvider' })
  @unlessAbsent
  @IsEnum(AgentProvider)
  provider?: AgentProvider;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    pattern: MODEL_PATTERN.source,
    minLength: 1,
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @Matches(MODEL_PATTERN, { message: 'model must be 1-200 characters without spaces' })
  model?: string | null;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: MAX_PROMPT,
    pattern: '\\S',
    description: 'Not blank.',
  })
  @unlessAbsent
  @IsString()
  @Matches(/\S/, { message: 'systemPrompt must not be blank' })
  @MaxLength(MAX_PROMPT)
  systemPrompt?: string;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 2 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: MAX_TOKENS })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOKENS)
  maxTokens?: number | null;

  @ApiPropertyOptional()
  @unlessAbsent
  @IsBoolean()
  premium?: boolean;
}
