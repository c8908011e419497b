import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { User } from '../../users/user.entity.js';
import { AnalyzedRepository } from './analyzed-repository.entity.js';

export enum JobStatus {
  Queued = 'queued',
  InProgress = 'in_progress',
  Completed = 'completed',
  Failed = 'failed',
  Cancelled = 'cancelled',
}

export const ACTIVE_JOB: JobStatus[] = [JobStatus.Queued, JobStatus.InProgress];
export const FINISHED_JOB: JobStatus[] = [
  JobStatus.Completed,
  JobStatus.Failed,
  JobStatus.Cancelled,
];

export interface StepTiming {
  step: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

/** Figures of one run for the trends (GET /repositories/{id}/metrics). */
export interface RunMetrics {
  lines: number;
  complexity: number | null;
  hotspots: number | null;
  busFactor: number | null;
  secretsFound: number | null;
}

/** Files one analyzer read in a run, and files whose stored result it reused (incremental). */
export interface FileCounts {
  analyzer: string;
  analyzed: number;
  reused: number;
}

/** One analysis run: the row of truth its BullMQ job points at. */
@Entity('analysis_jobs')
@Index('ux_analysis_jobs_active', ['repositoryId'], {
  unique: true,
  where: "status IN ('queued', 'in_progress')",
})
@Index('ix_analysis_jobs_repository', ['repositoryId', 'createdAt'])
export class AnalysisJob {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'repository_id', type: 'uuid' })
  repositoryId!: string;

  @Column({ name: 'requested_by', type: 'uuid', nullable: true })
  requestedBy!: string | null;

  @Column({ type: 'varchar', length: 20 })
  status!: JobStatus;

  @Column({ type: 'varchar', length: 40, nullable: true })
  step!: string | null;

  @Column({ type: 'integer', default: 0 })
  progress!: number;

  @Column({ name: 'analysis_type', type: 'varchar', length: 20 })
  analysisType!: string;

  @Column({ type: 'jsonb' })
  options!: Record<string, boolean>;

  @Column({ type: 'varchar', length: 255, nullable: true })
  ref!: string | null;

  @Column({ name: 'commit_sha', type: 'varchar', length: 64, nullable: true })
  commitSha!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  steps!: StepTiming[];

  /** The earlier run's commit an incremental run continued from (null: analysed in full). */
  @Column({ name: 'base_commit', type: 'varchar', length: 64, nullable: true })
  baseCommit!: string | null;

  /** Why an incremental request was analysed in full (no earlier run, history rewritten). */
  @Column({ name: 'full_run_reason', type: 'text', nullable: true })
  fullRunReason!: string | null;

  @Column({ name: 'file_counts', type: 'jsonb', default: () => "'[]'" })
  fileCounts!: FileCounts[];

  @Column({ type: 'jsonb', nullable: true })
  metrics!: RunMetrics | null;

  @Column({ type: 'boolean', default: false })
  partial!: boolean;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'estimated_duration_ms', type: 'integer' })
  estimatedDurationMs!: number;

  @Column({ name: 'error_code', type: 'varchar', length: 60, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', precision: 3, nullable: true })
  completedAt!: Date | null;

  /** Updated by the worker while it runs; a stale heartbeat means the worker died. */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', precision: 3, nullable: true })
  heartbeatAt!: Date | null;

  @ManyToOne(() => AnalyzedRepository, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repository_id' })
  repository?: Relation<AnalyzedRepository>;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'requested_by' })
  requester?: Relation<User>;
}
