import { Entity, Index, PrimaryColumn } from 'typeorm';

/** One row per user per UTC day with an authenticated request: daily active users. */
@Entity('user_activity_days')
@Index('ix_user_activity_days_user', ['userId'])
export class UserActivityDay {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;
}
