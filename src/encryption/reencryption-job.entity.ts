import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export enum ReencryptionStatus {
  Queued = 'queued',
  Running = 'running',
  Completed = 'completed',
  Failed = 'failed',
}

/**
 * A run of the key re-encryption job: the row is the truth (status, counts, where it got
 * to), so a restarted worker resumes from `column_index` / `last_key`.
 */
@Entity('encryption_reencryption_jobs')
export class ReencryptionJob {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 20 })
  status!: ReencryptionStatus;

  /** The key every value is rewritten under. */
  @Column({ name: 'target_key_id', type: 'varchar', length: 32 })
  targetKeyId!: string;

  @Column({ type: 'int', default: 0 })
  processed!: number;

  @Column({ type: 'int', default: 0 })
  rewritten!: number;

  @Column({ type: 'int', default: 0 })
  total!: number;

  /** Index into ENCRYPTED_COLUMNS of the column being walked. */
  @Column({ name: 'column_index', type: 'int', default: 0 })
  columnIndex!: number;

  /** Primary key of the last row done in that column (rows are walked in key order). */
  @Column({ name: 'last_key', type: 'text', nullable: true })
  lastKey!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'requested_by', type: 'uuid', nullable: true })
  requestedBy!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
