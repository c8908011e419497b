import {
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
import { Organization } from '../../organizations/organization.entity.js';
import { ServiceConnection } from './service-connection.entity.js';

/**
 * One repository an organization knows: kept in step with the connection that reaches it
 * (connection_id), and the record repository analysis works on. The connection is
 * nullable: a repository outlives the removal of the connection that granted access
 * (it is then inactive), and analysis may track a repository no connection reaches.
 */
@Entity('repositories')
@Index('ux_repositories_org_provider_external', ['organizationId', 'provider', 'externalId'], {
  unique: true,
})
@Index('ix_repositories_connection', ['connectionId', 'fullName', 'id'])
export class RepositoryRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'connection_id', type: 'uuid', nullable: true })
  connectionId!: string | null;

  /** The hosting service (`github`). */
  @Column({ type: 'varchar', length: 20 })
  provider!: string;

  /** The service's id of the repository (GitHub's numeric id, as text). */
  @Column({ name: 'external_id', type: 'varchar', length: 64 })
  externalId!: string;

  @Column({ name: 'full_name', type: 'varchar', length: 255 })
  fullName!: string;

  @Column({ name: 'default_branch', type: 'varchar', length: 255, nullable: true })
  defaultBranch!: string | null;

  @Column({ type: 'boolean', default: false })
  private!: boolean;

  @Column({ name: 'html_url', type: 'varchar', length: 500, nullable: true })
  htmlUrl!: string | null;

  @Column({ name: 'clone_url', type: 'varchar', length: 500, nullable: true })
  cloneUrl!: string | null;

  @Column({ type: 'boolean', default: false })
  archived!: boolean;

  /** False once the connection no longer reaches it (removed from the installation, deleted). */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'synced_at', type: 'timestamptz', precision: 3, nullable: true })
  syncedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<Organization>;

  @ManyToOne(() => ServiceConnection, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'connection_id' })
  connection?: Relation<ServiceConnection>;
}
