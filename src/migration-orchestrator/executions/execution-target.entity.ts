import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { DatabaseType, TargetMode, TargetStatus } from '../orchestrator.types.js';

/** A planned file of a target: versioned, repeatable or undo. */
export interface TargetFile {
  /** The catalog key: `V:<version>`, `R:<description>` or `U:<version>`. */
  key: string;
  version: string | null;
  description: string;
}

/** One schema of one database within an execution. */
@Entity('orchestrator_execution_targets')
@Index('IDX_orchestrator_targets_claim', ['executionId', 'wave', 'status', 'ordinal'])
@Index('IDX_orchestrator_targets_place', ['databaseId', 'schemaName'])
export class ExecutionTarget {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'execution_id', type: 'uuid' })
  executionId!: string;

  @Column({ type: 'integer' })
  ordinal!: number;

  @Column({ type: 'integer' })
  wave!: number;

  @Column({ name: 'wave_name', type: 'varchar', length: 20 })
  waveName!: string;

  @Column({ name: 'database_id', type: 'uuid' })
  databaseId!: string;

  @Column({ name: 'database_name', type: 'varchar', length: 100 })
  databaseName!: string;

  @Column({ name: 'database_type', type: 'varchar', length: 20 })
  databaseType!: DatabaseType;

  @Column({ type: 'varchar', length: 64, nullable: true })
  region!: string | null;

  @Column({ name: 'tenant_id', type: 'varchar', length: 100, nullable: true })
  tenantId!: string | null;

  @Column({ name: 'schema_name', type: 'varchar', length: 63 })
  schemaName!: string;

  @Column({ type: 'varchar', length: 10 })
  mode!: TargetMode;

  @Column({ type: 'varchar', length: 20 })
  status!: TargetStatus;

  /** The files planned for it, in the order they run. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  planned!: TargetFile[];

  /** The files this execution applied (or undid) on it, in order. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  applied!: TargetFile[];

  /** The lane (job) that claimed it, so a lane re-delivered after a crash resumes it. */
  @Column({ type: 'varchar', length: 120, nullable: true })
  lane!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'error_code', type: 'varchar', length: 60, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'failing_file', type: 'varchar', length: 255, nullable: true })
  failingFile!: string | null;

  /** 1-based character position in the failing file where the database error points. */
  @Column({ name: 'error_position', type: 'integer', nullable: true })
  errorPosition!: number | null;

  @Column({ name: 'error_line', type: 'integer', nullable: true })
  errorLine!: number | null;

  /** The SQLSTATE of the database error. */
  @Column({ name: 'database_error_code', type: 'varchar', length: 10, nullable: true })
  databaseErrorCode!: string | null;
}
