import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CatalogSnapshot } from '../catalog/catalog.js';
import type {
  ExecutionStatus,
  MigrationScope,
  OnError,
  SingleTarget,
  TargetFilters,
} from '../orchestrator.types.js';

/** One run of the orchestrator over its targets: the record of truth the API reads. */
@Entity('orchestrator_executions')
@Index('IDX_orchestrator_executions_created', ['createdAt', 'id'])
export class Execution {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 20 })
  scope!: MigrationScope;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  filters!: TargetFilters;

  @Column({ type: 'jsonb', nullable: true })
  target!: SingleTarget | null;

  @Column({ type: 'varchar', length: 30 })
  status!: ExecutionStatus;

  @Column({ name: 'dry_run', type: 'boolean', default: false })
  dryRun!: boolean;

  @Column({ type: 'integer' })
  concurrency!: number;

  @Column({ name: 'on_error', type: 'varchar', length: 10 })
  onError!: OnError;

  @Column({ type: 'integer', default: 0 })
  canary!: number;

  /** A user id, or `schedule:<id>` for a scheduled run. */
  @Column({ name: 'executed_by', type: 'varchar', length: 100 })
  executedBy!: string;

  @Column({ name: 'schedule_id', type: 'uuid', nullable: true })
  scheduleId!: string | null;

  @Column({ name: 'rollback_of', type: 'uuid', nullable: true })
  rollbackOf!: string | null;

  @Column({ name: 'rolled_back_by', type: 'uuid', nullable: true })
  rolledBackBy!: string | null;

  /** The wave now running (index into the targets' wave numbers). */
  @Column({ name: 'current_wave', type: 'integer', nullable: true })
  currentWave!: number | null;

  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested!: boolean;

  /** Set when a failure stopped the execution (onError stop, or a canary target failed). */
  @Column({ name: 'stop_reason', type: 'varchar', length: 200, nullable: true })
  stopReason!: string | null;

  /** The catalog files the execution runs, frozen at plan time (any worker can run it). */
  @Column({ type: 'jsonb' })
  catalog!: CatalogSnapshot;

  @Column({ name: 'current_target', type: 'varchar', length: 200, nullable: true })
  currentTarget!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;
}
