import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type {
  MigrationScope,
  OnError,
  SingleTarget,
  TargetFilters,
} from '../orchestrator.types.js';

/** A recurring (cron) or one-off execution, run through a BullMQ job scheduler. */
@Entity('orchestrator_schedules')
export class MigrationSchedule {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  scope!: MigrationScope;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  filters!: TargetFilters;

  @Column({ type: 'jsonb', nullable: true })
  target!: SingleTarget | null;

  @Column({ type: 'integer', nullable: true })
  concurrency!: number | null;

  @Column({ name: 'on_error', type: 'varchar', length: 10 })
  onError!: OnError;

  @Column({ type: 'integer', default: 0 })
  canary!: number;

  @Column({ name: 'cron_expression', type: 'varchar', length: 120, nullable: true })
  cronExpression!: string | null;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone!: string;

  @Column({ name: 'run_at', type: 'timestamptz', nullable: true })
  runAt!: Date | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @Column({ name: 'last_run_at', type: 'timestamptz', nullable: true })
  lastRunAt!: Date | null;

  @Column({ name: 'last_execution_id', type: 'uuid', nullable: true })
  lastExecutionId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
