import { ApiProperty } from '@nestjs/swagger';

export class HealthSummaryDto {
  @ApiProperty({ enum: ['ok'] })
  status!: string;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ enum: ['production', 'development', 'test'] })
  environment!: string;

  @ApiProperty({ format: 'date-time' })
  time!: string;
}

export class ServiceHealthDto {
  @ApiProperty({ example: 'database' })
  name!: string;

  @ApiProperty({
    enum: ['up', 'down', 'unconfigured'],
    description: 'unconfigured: Meridian is not set up to use it (not checked).',
  })
  status!: string;

  @ApiProperty({ type: Boolean, description: 'Whether Meridian cannot work without it.' })
  critical!: boolean;

  @ApiProperty({ type: Number, nullable: true, description: 'Time the check took (ms).' })
  latencyMs!: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'external PostgreSQL' })
  detail!: string | null;

  @ApiProperty({ format: 'date-time' })
  checkedAt!: string;
}

export class HealthCountsDto {
  @ApiProperty({ type: 'integer' })
  total!: number;

  @ApiProperty({ type: 'integer' })
  up!: number;

  @ApiProperty({ type: 'integer' })
  down!: number;

  @ApiProperty({ type: 'integer' })
  unconfigured!: number;
}

export class DetailedHealthDto {
  @ApiProperty({
    enum: ['healthy', 'degraded', 'unhealthy'],
    description: 'unhealthy: a critical dependency is down; degraded: another one is.',
  })
  status!: string;

  @ApiProperty({ format: 'date-time' })
  checkedAt!: string;

  @ApiProperty({ type: [ServiceHealthDto] })
  services!: ServiceHealthDto[];

  @ApiProperty({ type: HealthCountsDto })
  summary!: HealthCountsDto;
}

export class CpuDto {
  @ApiProperty({ type: 'number', description: 'User CPU time since start (ms).' })
  userMs!: number;

  @ApiProperty({ type: 'number', description: 'System CPU time since start (ms).' })
  systemMs!: number;

  @ApiProperty({ type: 'number', description: 'CPU use over the last interval (0-1 per core).' })
  recentShare!: number;
}

export class MemoryDto {
  @ApiProperty({ type: 'number' })
  rssBytes!: number;

  @ApiProperty({ type: 'number' })
  heapUsedBytes!: number;

  @ApiProperty({ type: 'number' })
  heapTotalBytes!: number;

  @ApiProperty({ type: 'number' })
  externalBytes!: number;
}

export class EventLoopDto {
  @ApiProperty({ type: 'number' })
  meanMs!: number;

  @ApiProperty({ type: 'number' })
  p50Ms!: number;

  @ApiProperty({ type: 'number' })
  p99Ms!: number;

  @ApiProperty({ type: 'number' })
  maxMs!: number;
}

export class MetricsPoolDto {
  @ApiProperty({ type: 'integer' })
  size!: number;

  @ApiProperty({ type: 'integer' })
  total!: number;

  @ApiProperty({ type: 'integer' })
  idle!: number;

  @ApiProperty({ type: 'integer' })
  waiting!: number;
}

export class MetricsQueueDto {
  @ApiProperty()
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

export class ProcessMetricsDto {
  @ApiProperty({ format: 'date-time' })
  time!: string;

  @ApiProperty({ type: 'number' })
  uptimeSeconds!: number;

  @ApiProperty({ type: CpuDto })
  cpu!: CpuDto;

  @ApiProperty({ type: MemoryDto })
  memory!: MemoryDto;

  @ApiProperty({ type: EventLoopDto })
  eventLoop!: EventLoopDto;

  @ApiProperty({ type: MetricsPoolDto })
  pool!: MetricsPoolDto;

  @ApiProperty({
    type: [MetricsQueueDto],
    description: 'Empty when the backend did not answer in time.',
  })
  queues!: MetricsQueueDto[];
}
