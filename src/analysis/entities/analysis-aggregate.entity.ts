import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { AnalysisJob } from './analysis-job.entity.js';

/**
 * What an analyzer's history figures were computed from at the end of a run (additive
 * over commits), so the next incremental run reads only the commits after the run's commit.
 * Only the latest run's aggregates of a repository are kept.
 */
@Entity('analysis_aggregates')
export class AnalysisAggregate {
  @PrimaryColumn({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  @PrimaryColumn({ type: 'varchar', length: 40 })
  analyzer!: string;

  @Column({ type: 'jsonb' })
  data!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @ManyToOne(() => AnalysisJob, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: Relation<AnalysisJob>;
}
