import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** What made a connection change status. */
export enum ConnectionEventCause {
  /** A member of the organization (actor_id says who). */
  User = 'user',
  HealthCheck = 'health_check',
  Webhook = 'webhook',
  Install = 'install',
  Credentials = 'credentials',
}

/**
 * One status transition. Kept when the connection is deleted (no foreign key), so the
 * history of a removed connection stays readable to whoever keeps the database.
 */
@Entity('connection_events')
@Index('ix_connection_events_connection', ['connectionId', 'createdAt', 'id'])
export class ConnectionEvent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  /** Null for the creation of the connection. */
  @Column({ name: 'from_status', type: 'varchar', length: 20, nullable: true })
  fromStatus!: string | null;

  /** `deleted` for the removal. */
  @Column({ name: 'to_status', type: 'varchar', length: 20 })
  toStatus!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 20 })
  cause!: ConnectionEventCause;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
