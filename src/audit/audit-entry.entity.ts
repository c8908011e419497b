import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One entry of the append-only audit log. `hash` covers every other column and the
 * previous entry's hash (`prevHash`), so editing or deleting an entry breaks the chain.
 */
@Entity('audit_entries')
@Index('ix_audit_entries_occurred_at', ['occurredAt'])
@Index('ix_audit_entries_actor', ['actorId', 'seq'])
@Index('ix_audit_entries_action', ['action', 'seq'])
@Index('ix_audit_entries_target', ['targetType', 'targetId', 'seq'])
export class AuditEntry {
  @PrimaryColumn('uuid')
  id!: string;

  /** Position in the chain: appends are serialized, so this is also the commit order. */
  @Index('uq_audit_entries_seq', { unique: true })
  @Column({ type: 'bigint', generatedIdentity: 'ALWAYS', generated: 'identity' })
  seq!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 100 })
  action!: string;

  @Column({ name: 'target_type', type: 'varchar', length: 50, nullable: true })
  targetType!: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 200, nullable: true })
  targetId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after!: unknown;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 300, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}

/**
 * The one row that remembers the last entry removed by retention, so the entries that
 * remain still verify from its hash.
 */
@Entity('audit_checkpoint')
export class AuditCheckpoint {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ name: 'last_removed_seq', type: 'bigint' })
  lastRemovedSeq!: string;

  @Column({ name: 'last_removed_hash', type: 'char', length: 64 })
  lastRemovedHash!: string;

  @Column({ name: 'removed_total', type: 'bigint', default: 0 })
  removedTotal!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
