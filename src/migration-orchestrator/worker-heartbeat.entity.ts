import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A worker replica that consumes orchestrator jobs, as last seen. */
@Entity('orchestrator_workers')
export class WorkerHeartbeat {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  id!: string;

  @Column({ name: 'seen_at', type: 'timestamptz' })
  seenAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;
}
