import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MigrationScope, OnError } from '../orchestrator.types.js';
import { FiltersDto, SingleTargetDto } from './execution.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateScheduleDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'nightly tenants' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: MigrationScope })
  @IsEnum(MigrationScope)
  scope!: MigrationScope;

  @ApiPropertyOptional({ type: () => FiltersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FiltersDto)
  filters?: FiltersDto;

  @ApiPropertyOptional({ type: () => SingleTargetDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SingleTargetDto)
  target?: SingleTargetDto;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 64 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  concurrency?: number;

  @ApiPropertyOptional({ enum: OnError, default: OnError.Stop })
  @IsOptional()
  @IsEnum(OnError)
  onError?: OnError;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1000, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  canary?: number;

  @ApiPropertyOptional({
    maxLength: 120,
    example: '0 3 * * *',
    description: 'Cron expression, 5 fields (or 6 with seconds first). Give this or runAt.',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(120)
  cronExpression?: string;

  @ApiPropertyOptional({
    maxLength: 64,
    default: 'UTC',
    example: 'Europe/Paris',
    description: 'IANA time zone of the cron expression.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'A one-off run time (instead of a cron expression).',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  runAt?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateScheduleDto extends PartialType(
  OmitType(CreateScheduleDto, ['scope'] as const),
) {
  @ApiPropertyOptional({ enum: MigrationScope })
  @IsOptional()
  @IsEnum(MigrationScope)
  scope?: MigrationScope;
}

export class ScheduleDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: MigrationScope }) scope!: MigrationScope;
  @ApiProperty({ type: () => FiltersDto }) filters!: FiltersDto;
  @ApiProperty({ type: SingleTargetDto, nullable: true }) target!: SingleTargetDto | null;
  @ApiProperty({ type: 'integer', nullable: true }) concurrency!: number | null;
  @ApiProperty({ enum: OnError }) onError!: OnError;
  @ApiProperty({ type: 'integer' }) canary!: number;
  @ApiProperty({ type: String, nullable: true }) cronExpression!: string | null;
  @ApiProperty() timezone!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) runAt!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The next run, when enabled.',
  })
  nextRunAt!: string | null;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastRunAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) lastExecutionId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
