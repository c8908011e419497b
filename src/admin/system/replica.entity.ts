import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A running Meridian process, as its last heartbeat described it. */
@Entity('app_replicas')
@Index('ix_app_replicas_seen', ['seenAt'])
export class Replica {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id!: string;

  @Column({ type: 'varchar', length: 10 })
  role!: string;

  @Column({ type: 'varchar', length: 255 })
  hostname!: string;

  @Column({ type: 'int' })
  pid!: number;

  @Column({ type: 'varchar', length: 50 })
  version!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'seen_at', type: 'timestamptz' })
  seenAt!: Date;
}
