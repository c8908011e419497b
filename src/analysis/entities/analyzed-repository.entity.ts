import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { RepositoryRecord } from '../../connections/entities/repository.entity.js';
import { ServiceConnection } from '../../connections/entities/service-connection.entity.js';
import { Organization } from '../../organizations/organization.entity.js';
import { User } from '../../users/user.entity.js';

export enum AnalysisStatus {
  Pending = 'pending',
  Queued = 'queued',
  InProgress = 'in_progress',
  Completed = 'completed',
  Failed = 'failed',
  Cancelled = 'cancelled',
}

export interface NotificationSettings {
  emailUpdates: boolean;
  webhookUrl: string | null;
}

/**
 * A repository a user or an organization analyses. When an organization's connection
 * already knows it, `repository_record_id` points at that record (the connections'
 * `repositories` table), so Meridian keeps one notion of a repository.
 */
@Entity('analyzed_repositories')
@Check('ck_analyzed_repositories_one_owner', '(owner_user_id IS NULL) <> (organization_id IS NULL)')
@Index('ux_analyzed_repositories_user_url', ['ownerUserId', 'cloneUrl'], {
  unique: true,
  where: 'owner_user_id IS NOT NULL',
})
@Index('ux_analyzed_repositories_org_url', ['organizationId', 'cloneUrl'], {
  unique: true,
  where: 'organization_id IS NOT NULL',
})
export class AnalyzedRepository {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'owner_user_id', type: 'uuid', nullable: true })
  ownerUserId!: string | null;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId!: string | null;

  @Index('ix_analyzed_repositories_record')
  @Column({ name: 'repository_record_id', type: 'uuid', nullable: true })
  repositoryRecordId!: string | null;

  @Column({ name: 'connection_id', type: 'uuid', nullable: true })
  connectionId!: string | null;

  @Column({ name: 'github_id', type: 'bigint', nullable: true })
  githubId!: string | null;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'full_name', type: 'varchar', length: 255 })
  fullName!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 500 })
  url!: string;

  @Column({ name: 'clone_url', type: 'varchar', length: 500 })
  cloneUrl!: string;

  @Column({ name: 'default_branch', type: 'varchar', length: 255, nullable: true })
  defaultBranch!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  language!: string | null;

  @Column({ type: 'integer', default: 0 })
  stars!: number;

  @Column({ type: 'integer', default: 0 })
  forks!: number;

  @Column({ type: 'integer', default: 0 })
  watchers!: number;

  /** Size in KB as GitHub reports it (0 when unknown). */
  @Column({ type: 'integer', default: 0 })
  size!: number;

  @Column({ type: 'boolean', default: false })
  private!: boolean;

  @Column({ name: 'owner_login', type: 'varchar', length: 255 })
  ownerLogin!: string;

  @Column({ name: 'owner_github_id', type: 'bigint', nullable: true })
  ownerGithubId!: string | null;

  @Column({ name: 'owner_avatar_url', type: 'varchar', length: 500, nullable: true })
  ownerAvatarUrl!: string | null;

  @Column({ name: 'auto_analyze', type: 'boolean', default: false })
  autoAnalyze!: boolean;

  @Column({ name: 'notification_settings', type: 'jsonb' })
  notificationSettings!: NotificationSettings;

  @Column({ name: 'analysis_status', type: 'varchar', length: 20, default: AnalysisStatus.Pending })
  analysisStatus!: AnalysisStatus;

  @Column({ name: 'last_analyzed', type: 'timestamptz', precision: 3, nullable: true })
  lastAnalyzed!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_user_id' })
  ownerUser?: Relation<User>;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<Organization>;

  @ManyToOne(() => RepositoryRecord, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'repository_record_id' })
  repositoryRecord?: Relation<RepositoryRecord>;

  @ManyToOne(() => ServiceConnection, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'connection_id' })
  connection?: Relation<ServiceConnection>;
}
