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
import { AnalysisJob } from './analysis-job.entity.js';
import { AnalyzedRepository } from './analyzed-repository.entity.js';

export enum InsightType {
  Size = 'size',
  Complexity = 'complexity',
  History = 'history',
  Hotspots = 'hotspots',
  Coupling = 'coupling',
  Ownership = 'ownership',
  Dependencies = 'dependencies',
  Secrets = 'secrets',
  GitHubActivity = 'github_activity',
  AiSummary = 'ai_summary',
}

export enum Severity {
  Info = 'info',
  Low = 'low',
  Medium = 'medium',
  High = 'high',
  Critical = 'critical',
}

/** One finding of one analyzer in one run. */
@Entity('analysis_insights')
@Index('ix_analysis_insights_repository', ['repositoryId', 'createdAt', 'id'])
export class Insight {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'repository_id', type: 'uuid' })
  repositoryId!: string;

  @Index('ix_analysis_insights_job')
  @Column({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  @Column({ type: 'varchar', length: 30 })
  type!: InsightType;

  @Column({ type: 'varchar', length: 255 })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'varchar', length: 10 })
  severity!: Severity;

  @Column({ name: 'confidence_score', type: 'real' })
  confidenceScore!: number;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @Column({ name: 'model_version', type: 'varchar', length: 40 })
  modelVersion!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @ManyToOne(() => AnalyzedRepository, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repository_id' })
  repository?: Relation<AnalyzedRepository>;

  @ManyToOne(() => AnalysisJob, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: Relation<AnalysisJob>;
}
