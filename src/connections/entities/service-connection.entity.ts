import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Organization } from '../../organizations/organization.entity.js';
import { User } from '../../users/user.entity.js';

/** The outside services an organization can connect. */
export enum ConnectionService {
  GitHub = 'github',
  Slack = 'slack',
}

/** The state machine of a connection (see connection-state.ts). */
export enum ConnectionStatus {
  Pending = 'pending',
  Active = 'active',
  Degraded = 'degraded',
  Error = 'error',
  Disabled = 'disabled',
  Revoked = 'revoked',
}

/** The outcome of one health check, as stored and answered. */
export interface HealthResult {
  /** `pass`; `fail` (5xx, timeout, refused connection); `refused` (401/403/404: revokes). */
  outcome: 'pass' | 'fail' | 'refused';
  /** A machine code for a fail or refusal (`GITHUB_UNAVAILABLE`, `SLACK_TOKEN_REVOKED`...). */
  code: string | null;
  latencyMs: number;
  detail: string;
  rateLimit: { limit: number; remaining: number; resetAt: string | null } | null;
  checkedAt: string;
}

/** One organization's link to one account of an outside service. */
@Entity('service_connections')
@Index('ix_service_connections_org', ['organizationId', 'createdAt', 'id'])
@Index('ix_service_connections_external', ['service', 'externalId'])
@Index('ux_service_connections_org_external', ['organizationId', 'service', 'externalId'], {
  unique: true,
  where: 'external_id IS NOT NULL',
})
export class ServiceConnection {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'enum', enum: ConnectionService, enumName: 'connection_service' })
  service!: ConnectionService;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'enum', enum: ConnectionStatus, enumName: 'connection_status' })
  status!: ConnectionStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  /** The App installation id or the Slack team id; null for a GitHub token. */
  @Column({ name: 'external_id', type: 'varchar', length: 100, nullable: true })
  externalId!: string | null;

  /** What the service said about the account (login, scopes, team name): never a secret. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  settings!: Record<string, unknown>;

  @Column({ name: 'last_health', type: 'jsonb', nullable: true })
  lastHealth!: HealthResult | null;

  /** The last CONNECTION_HEALTH_HISTORY results, newest first. */
  @Column({ name: 'health_history', type: 'jsonb', default: () => `'[]'` })
  healthHistory!: HealthResult[];

  @Column({ name: 'consecutive_failures', type: 'int', default: 0 })
  consecutiveFailures!: number;

  /** When a caller last asked for a check now (GET .../health?refresh=true). */
  @Column({ name: 'health_refreshed_at', type: 'timestamptz', precision: 3, nullable: true })
  healthRefreshedAt!: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<Organization>;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by' })
  creator?: Relation<User>;
}
