import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  OneToOne,
  PrimaryColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { ServiceConnection } from './service-connection.entity.js';

export enum CredentialKind {
  GitHubAppInstallation = 'github_app_installation',
  GitHubToken = 'github_token',
  SlackBotToken = 'slack_bot_token',
  SlackOAuth = 'slack_oauth',
}

/**
 * The credential of a connection. Secrets are SecretCipher envelopes (key id, nonce, tag,
 * ciphertext) with the connection id in the associated data; for an App installation the
 * secret is the cached installation token.
 */
@Entity('service_credentials')
export class ServiceCredential {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId!: string;

  @Column({ type: 'enum', enum: CredentialKind, enumName: 'credential_kind' })
  kind!: CredentialKind;

  @Column({ name: 'secret_encrypted', type: 'text', nullable: true })
  secretEncrypted!: string | null;

  /** The last 4 characters of the secret, shown to owners so they can tell tokens apart. */
  @Column({ name: 'secret_last4', type: 'varchar', length: 4, nullable: true })
  secretLast4!: string | null;

  /** When the secret stops working (installation tokens, rotating Slack tokens). */
  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3, nullable: true })
  expiresAt!: Date | null;

  /** Slack token rotation: the single-use refresh token. */
  @Column({ name: 'refresh_token_encrypted', type: 'text', nullable: true })
  refreshTokenEncrypted!: string | null;

  @Column({ name: 'last_rotated_at', type: 'timestamptz', precision: 3, nullable: true })
  lastRotatedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @OneToOne(() => ServiceConnection, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection?: Relation<ServiceConnection>;
}
