import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { User } from '../users/user.entity.js';
import { Organization } from './organization.entity.js';

export enum OrganizationRole {
  /** Everything, including deleting the organization and granting or taking 'owner'. */
  Owner = 'owner',
  /** Renames the organization and manages members other than owners. */
  Admin = 'admin',
  /** Sees the organization and its members. */
  Member = 'member',
}

/** A user's place in an organization; an organization always keeps at least one owner. */
@Entity('organization_members')
@Index('ix_organization_members_user', ['userId'])
export class Membership {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'enum', enum: OrganizationRole, enumName: 'organization_role' })
  role!: OrganizationRole;

  /** When the user joined; millisecond precision so the members cursor round-trips. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<Organization>;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;
}
