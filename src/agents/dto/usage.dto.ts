import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class UsageQueryDto {
  @ApiPropertyOptional({
    format: 'date',
    example: '2026-11-01',
    description: 'First UTC day (included); default: 29 days before `to`.',
  })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'from must be a real date' })
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-11-30',
    description: 'Last UTC day (included); default: today. At most 92 days from `from`.',
  })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'to must be a real date' })
  to?: string;
}

export class UsageTotalsDto {
  @ApiProperty({ type: 'integer' })
  messages!: number;

  @ApiProperty({ type: 'integer' })
  promptTokens!: number;

  @ApiProperty({ type: 'integer' })
  completionTokens!: number;
}

/** The caller's usage of one agent on one UTC day. */
export class UsageRowDto extends UsageTotalsDto {
  @ApiProperty({ format: 'date', example: '2026-11-21' })
  day!: string;

  @ApiProperty({ format: 'uuid' })
  agentId!: string;

  @ApiProperty({ example: 'assistant' })
  agentSlug!: string;

  @ApiProperty({ example: 'Assistant' })
  agentName!: string;
}

export class UsageTodayDto {
  @ApiProperty({ type: 'integer', description: 'Messages sent today (UTC), all agents together.' })
  messages!: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: "Messages allowed per UTC day for the caller's roles; null = no limit.",
  })
  limit!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null = no limit.' })
  remaining!: number | null;
}

/** The caller's chat usage over a range of UTC days. */
export class UsageReportDto {
  @ApiProperty({ format: 'date', example: '2026-10-23' })
  from!: string;

  @ApiProperty({ format: 'date', example: '2026-11-21' })
  to!: string;

  @ApiProperty({ type: [UsageRowDto], description: 'Days with usage, by day then agent slug.' })
  rows!: UsageRowDto[];

  @ApiProperty({ type: UsageTotalsDto, description: 'Sums over the range.' })
  totals!: UsageTotalsDto;

  @ApiProperty({ type: UsageTodayDto })
  today!: UsageTodayDto;
}
