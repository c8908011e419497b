import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';

export const GRANULARITIES = ['hour', 'day', 'week'] as const;

export class StatsRangeQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Start (default: 30 days before `to`).',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End, exclusive (default: now).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class StatsSeriesQueryDto extends StatsRangeQueryDto {
  @ApiProperty({
    example: 'messages.created',
    description: 'A metric of GET /admin/stats/metrics.',
    maxLength: 80,
  })
  @Matches(/^[a-z0-9][a-z0-9.-]{0,79}$/, { message: 'metric must be a metric name' })
  metric!: string;

  @ApiPropertyOptional({
    enum: GRANULARITIES,
    default: 'day',
    description: 'hour (ranges up to 31 days), day (up to 366 days), week (up to 104 weeks).',
  })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: (typeof GRANULARITIES)[number];
}

export class StatsPointDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the hour, day or ISO week (UTC).' })
  at!: string;

  @ApiProperty({ type: 'number' })
  value!: number;
}

export class StatsSeriesDto {
  @ApiProperty()
  metric!: string;

  @ApiProperty({ enum: GRANULARITIES })
  granularity!: string;

  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ type: [StatsPointDto], description: 'Every bucket of the range, zeros included.' })
  points!: StatsPointDto[];
}

export class StatsMetricDto {
  @ApiProperty({ example: 'messages.created' })
  name!: string;

  @ApiProperty({ enum: GRANULARITIES, isArray: true })
  granularities!: string[];
}

export class CountWithRecentDto {
  @ApiProperty({ type: 'number', description: 'All time.' })
  total!: number;

  @ApiProperty({ type: 'number', description: 'The last 30 days.' })
  last30d!: number;
}

export class UserFiguresDto {
  @ApiProperty({ type: 'integer' })
  total!: number;

  @ApiProperty({ type: 'integer', description: 'Seen in the last 24 hours.' })
  active1d!: number;

  @ApiProperty({ type: 'integer' })
  active7d!: number;

  @ApiProperty({ type: 'integer' })
  active30d!: number;

  @ApiProperty({ type: [StatsPointDto], description: 'New users per day, the last 30 days.' })
  newPerDay!: StatsPointDto[];
}

export class TokenFiguresDto {
  @ApiProperty({ type: 'number', description: 'Prompt tokens, the last 30 days.' })
  prompt30d!: number;

  @ApiProperty({ type: 'number' })
  completion30d!: number;
}

export class MailFiguresDto {
  @ApiProperty({ type: 'number', description: 'Mails sent, the last 30 days.' })
  sent30d!: number;

  @ApiProperty({ type: 'number' })
  failed30d!: number;
}

export class StatsSectionDto {
  @ApiProperty({ example: 'connections' })
  name!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { active: 4, error: 1 },
  })
  figures!: Record<string, number>;
}

export class StatsOverviewDto {
  @ApiProperty({ format: 'date-time' })
  generatedAt!: string;

  @ApiProperty({ type: UserFiguresDto })
  users!: UserFiguresDto;

  @ApiProperty({ type: CountWithRecentDto })
  signIns!: CountWithRecentDto;

  @ApiProperty({ type: CountWithRecentDto })
  conversations!: CountWithRecentDto;

  @ApiProperty({ type: CountWithRecentDto })
  messages!: CountWithRecentDto;

  @ApiProperty({ type: TokenFiguresDto })
  tokens!: TokenFiguresDto;

  @ApiProperty({ type: 'integer', description: 'Agents used in the last 30 days.' })
  agentsInUse30d!: number;

  @ApiProperty({ type: MailFiguresDto })
  mail!: MailFiguresDto;

  @ApiProperty({
    type: [StatsSectionDto],
    description: 'Figures other features add (connections by status, migrations, analyses).',
  })
  sections!: StatsSectionDto[];
}

export class AgentDayUsageDto {
  @ApiProperty({ format: 'date' })
  date!: string;

  @ApiProperty({ format: 'uuid' })
  agentId!: string;

  @ApiProperty()
  slug!: string;

  @ApiProperty({ type: 'integer' })
  messages!: number;

  @ApiProperty({ type: 'number' })
  promptTokens!: number;

  @ApiProperty({ type: 'number' })
  completionTokens!: number;
}

export class TopUserDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;

  @ApiProperty({ type: 'integer' })
  messages!: number;
}

export class AgentAnalyticsDto {
  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ type: [AgentDayUsageDto] })
  usagePerAgentPerDay!: AgentDayUsageDto[];

  @ApiProperty({ type: [TopUserDto], description: 'The 10 users with the most messages.' })
  topUsers!: TopUserDto[];

  @ApiProperty({ type: 'number', description: 'Share of messages sent to premium agents (0-1).' })
  premiumShare!: number;

  @ApiProperty({ type: 'number', description: 'Messages refused by the daily limit.' })
  dailyLimitHits!: number;

  @ApiProperty({ type: [StatsPointDto], description: 'Daily-limit refusals per day.' })
  dailyLimitHitsPerDay!: StatsPointDto[];
}
