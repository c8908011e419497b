import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { ALL_QUEUES } from '../../../queue/queue.constants.js';

export class ReplicaDto {
  @ApiProperty({ example: 'api-7f9c:1:a1b2c3' })
  id!: string;

  @ApiProperty({ enum: ['api', 'worker', 'all'] })
  role!: string;

  @ApiProperty()
  hostname!: string;

  @ApiProperty({ type: 'integer' })
  pid!: number;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ format: 'date-time' })
  seenAt!: string;
}

export class PoolDto {
  @ApiProperty({ type: 'integer', description: 'DATABASE_POOL_SIZE.' })
  size!: number;

  @ApiProperty({ type: 'integer', description: 'Connections open.' })
  total!: number;

  @ApiProperty({ type: 'integer' })
  idle!: number;

  @ApiProperty({ type: 'integer', description: 'Queries waiting for a connection.' })
  waiting!: number;
}

export class DatabaseInfoDto {
  @ApiProperty({ enum: ['external', 'embedded'] })
  mode!: string;

  @ApiProperty({ type: PoolDto, description: "This replica's pool." })
  pool!: PoolDto;
}

export class QueueCountsDto {
  @ApiProperty({ enum: ALL_QUEUES })
  name!: string;

  @ApiProperty({ type: 'integer' })
  waiting!: number;

  @ApiProperty({ type: 'integer' })
  active!: number;

  @ApiProperty({ type: 'integer' })
  delayed!: number;

  @ApiProperty({ type: 'integer' })
  failed!: number;

  @ApiProperty({ type: 'integer' })
  completed!: number;
}

export class QueueInfoDto {
  @ApiProperty({ enum: ['redis', 'postgres'] })
  backend!: string;

  @ApiProperty({ type: [QueueCountsDto] })
  queues!: QueueCountsDto[];
}

export class SystemInfoDto {
  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Git commit of the build.' })
  commit!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  builtAt!: string | null;

  @ApiProperty({ enum: ['production', 'development', 'test'] })
  environment!: string;

  @ApiProperty({ type: 'number', description: "This replica's uptime in seconds." })
  uptimeSeconds!: number;

  @ApiProperty({ example: 'v24.11.0' })
  node!: string;

  @ApiProperty({ enum: ['api', 'worker', 'all'], description: "This replica's APP_ROLE." })
  role!: string;

  @ApiProperty({ type: [ReplicaDto], description: 'Replicas with a heartbeat in the last minute.' })
  replicas!: ReplicaDto[];

  @ApiProperty({ type: DatabaseInfoDto })
  database!: DatabaseInfoDto;

  @ApiProperty({ type: QueueInfoDto })
  queue!: QueueInfoDto;
}

export class FailedJobsQueryDto {
  @ApiPropertyOptional({ enum: ALL_QUEUES, description: 'One queue (default: every queue).' })
  @IsOptional()
  @IsIn(ALL_QUEUES)
  queue?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class FailedJobDto {
  @ApiProperty({ enum: ALL_QUEUES })
  queue!: string;

  @ApiProperty()
  id!: string;

  @ApiProperty({ example: 'mail.send' })
  name!: string;

  @ApiProperty({ type: 'integer' })
  attemptsMade!: number;

  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed.' })
  failedReason!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  failedAt!: string | null;
}

export class FailedJobsDto {
  @ApiProperty({ type: [FailedJobDto], description: 'Newest failures first, per queue.' })
  items!: FailedJobDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Failed jobs per queue.',
  })
  totals!: Record<string, number>;
}
