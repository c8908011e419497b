import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed sign-ins per key (`account:<email>` or `ip:<address>`) in the current window. */
@Entity('auth_login_attempts')
export class LoginAttempt {
  @PrimaryColumn({ type: 'varchar', length: 320 })
  key!: string;

  @Column({ type: 'int' })
  failures!: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
