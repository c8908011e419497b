import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { AnalyzedRepository } from './analyzed-repository.entity.js';

/**
 * One analyzer's result for one file of a repository, valid while the file's blob id is
 * `blobId`: incremental runs reuse it instead of reading the file again.
 */
@Entity('analysis_file_results')
export class AnalysisFileResult {
  @PrimaryColumn({ name: 'repository_id', type: 'uuid' })
  repositoryId!: string;

  /** The analyzer and its version (`size@1`): a new version never reads an old result. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  analyzer!: string;

  @PrimaryColumn({ type: 'varchar', length: 1024 })
  path!: string;

  @Column({ name: 'blob_id', type: 'varchar', length: 64 })
  blobId!: string;

  @Column({ type: 'jsonb' })
  result!: unknown;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @ManyToOne(() => AnalyzedRepository, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repository_id' })
  repository?: Relation<AnalyzedRepository>;
}
