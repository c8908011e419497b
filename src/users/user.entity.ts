import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export enum UserStatus {
  Active = 'active',
  Disabled = 'disabled',
}

@Entity('users')
@Index('uq_users_issuer_subject', ['issuer', 'subject'], { unique: true })
@Index('uq_users_email_local', ['email'], { unique: true, where: `"password_hash" IS NOT NULL` })
@Index('ix_users_created', ['createdAt', 'id'])
@Index('ix_users_last_seen', ['lastSeenAt', 'id'])
// GIN indexes created by hand in the migration (TypeORM cannot express operator classes):
// trigram search over email and name, and role membership.
@Index('ix_users_email_trgm', { synchronize: false })
@Index('ix_users_name_trgm', { synchronize: false })
@Index('ix_users_roles', { synchronize: false })
export class User {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  issuer!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'citext', nullable: true })
  email!: string | null;

  @Column({ name: 'email_verified_at', type: 'timestamptz', nullable: true })
  emailVerifiedAt!: Date | null;

  @Column({ name: 'display_name', type: 'varchar', length: 100, nullable: true })
  displayName!: string | null;

  /** argon2id hash; set only for local accounts. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** Roles granted by Meridian itself (local accounts); issuer roles come from tokens. */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  roles!: string[];

  @Column({ type: 'enum', enum: UserStatus, enumName: 'user_status', default: UserStatus.Active })
  status!: UserStatus;

  /** Access tokens issued before this instant are refused (disable, password change). */
  @Column({ name: 'tokens_valid_after', type: 'timestamptz', nullable: true })
  tokensValidAfter!: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  /** Last authenticated request (kept to within a few minutes), any issuer. */
  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
