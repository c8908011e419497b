import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum OneTimeTokenPurpose {
  VerifyEmail = 'verify-email',
  ResetPassword = 'reset-password',
  EmailChange = 'email-change',
  Invite = 'invite',
}

/** What a token was issued for: the address it confirms or the one it invites. */
export interface OneTimeTokenPayload {
  email: string;
}

/**
 * A single-use link token (verification, password reset, email change, invitation),
 * stored as the SHA-256 of a 32-byte random secret. Bound to a user, or to a waitlist
 * entry for invitations.
 */
@Entity('auth_one_time_tokens')
@Index('ix_auth_one_time_tokens_user_purpose', ['userId', 'purpose'])
@Index('ix_auth_one_time_tokens_waitlist_entry', ['waitlistEntryId'])
export class OneTimeToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ name: 'waitlist_entry_id', type: 'uuid', nullable: true })
  waitlistEntryId!: string | null;

  @Column({ type: 'enum', enum: OneTimeTokenPurpose, enumName: 'auth_one_time_token_purpose' })
  purpose!: OneTimeTokenPurpose;

  @Index('uq_auth_one_time_tokens_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ type: 'jsonb' })
  payload!: OneTimeTokenPayload;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
