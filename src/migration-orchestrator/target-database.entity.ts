import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DatabaseType, TlsMode } from './orchestrator.types.js';

/** A database the orchestrator migrates (the registry). Soft-deleted rows keep deleted_at. */
@Entity('orchestrator_databases')
@Index('UQ_orchestrator_databases_name', ['name'], {
  unique: true,
  where: '"deleted_at" IS NULL',
})
export class TargetDatabase {
  /** Chosen before the insert: the password's ciphertext is bound to it. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  type!: DatabaseType;

  @Column({ type: 'varchar', length: 64, nullable: true })
  region!: string | null;

  @Column({ name: 'tenant_id', type: 'varchar', length: 100, nullable: true })
  tenantId!: string | null;

  @Column({ type: 'varchar', length: 255 })
  host!: string;

  @Column({ type: 'integer' })
  port!: number;

  @Column({ type: 'varchar', length: 63 })
  database!: string;

  @Column({ type: 'varchar', length: 63 })
  username!: string;

  /** SecretCipher ciphertext, associated data `orchestrator-database:<id>`. */
  @Column({ name: 'password_encrypted', type: 'text', nullable: true })
  passwordEncrypted!: string | null;

  @Column({ name: 'tls_mode', type: 'varchar', length: 20 })
  tlsMode!: TlsMode;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** One fixed schema, or null when schemaPattern is set. */
  @Column({ name: 'schema_name', type: 'varchar', length: 63, nullable: true })
  schemaName!: string | null;

  /** A LIKE pattern (`tenant_%`): each matching schema is one tenant named after it. */
  @Column({ name: 'schema_pattern', type: 'varchar', length: 63, nullable: true })
  schemaPattern!: string | null;

  /** `reachable` or `unreachable` at the last test, health check or execution. */
  @Column({ name: 'last_status', type: 'varchar', length: 20, nullable: true })
  lastStatus!: string | null;

  @Column({ name: 'last_checked_at', type: 'timestamptz', nullable: true })
  lastCheckedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
