import { ApiProperty } from '@nestjs/swagger';
import { ExecutionStatus } from '../orchestrator.types.js';

export class QueueHealthDto {
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) waiting!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) active!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) delayed!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) failed!: number | null;
}

export class WorkerReplicaDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
}

export class WorkersHealthDto {
  @ApiProperty({ type: 'integer', description: 'Replicas seen in the last minute.' })
  recent!: number;
  @ApiProperty({ type: [WorkerReplicaDto] }) replicas!: WorkerReplicaDto[];
}

export class RegistryHealthDto {
  @ApiProperty({ type: 'integer' }) active!: number;
  @ApiProperty({ type: 'integer' }) inactive!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Active databases unreachable at their last check.',
  })
  unreachable!: number;
}

export class LastExecutionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ExecutionStatus }) status!: ExecutionStatus;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
}

export class OrchestratorHealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty({ type: QueueHealthDto }) queue!: QueueHealthDto;
  @ApiProperty({ type: WorkersHealthDto }) workers!: WorkersHealthDto;
  @ApiProperty({ type: RegistryHealthDto }) registry!: RegistryHealthDto;
  @ApiProperty({ type: LastExecutionDto, nullable: true }) lastExecution!: LastExecutionDto | null;
}
