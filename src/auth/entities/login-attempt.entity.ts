import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Failed sign-ins per key in the current window. Keys: `ip:<address>` (a client address,
 * across accounts), `account:<email>` (the account from anywhere: slows down only),
 * `account:<email>|ip:<address>` (the account from one address) and `device:<nonce>`
 * (the account from one trusted device).
 */
@Entity('auth_login_attempts')
@Index('ix_auth_login_attempts_account', ['account'])
export class LoginAttempt {
  @PrimaryColumn({ type: 'varchar', length: 320 })
  key!: string;

  /** The account's email for the account and device keys, so they can be forgotten together. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  account!: string | null;

  @Column({ type: 'int' })
  failures!: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
