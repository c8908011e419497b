import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum WaitlistStatus {
  /** Waiting for an administrator. */
  Pending = 'pending',
  /** Invited: an invitation link was mailed. */
  Approved = 'approved',
  Rejected = 'rejected',
  /** The invitation was accepted: the account exists. */
  Accepted = 'accepted',
}

/** Someone who asked for an account while registration is by waitlist. */
@Entity('auth_waitlist_entries')
@Index('ix_auth_waitlist_entries_created_at_id', ['createdAt', 'id'])
@Index('ix_auth_waitlist_entries_status_created_at_id', ['status', 'createdAt', 'id'])
export class WaitlistEntry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('uq_auth_waitlist_entries_email', { unique: true })
  @Column({ type: 'citext' })
  email!: string;

  @Column({
    type: 'enum',
    enum: WaitlistStatus,
    enumName: 'auth_waitlist_status',
    default: WaitlistStatus.Pending,
  })
  status!: WaitlistStatus;

  /** Millisecond precision, so the keyset cursor (a JS Date) round-trips exactly. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  /** The administrator who approved or rejected the entry. */
  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy!: string | null;

  /** The account created from the invitation. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;
}
