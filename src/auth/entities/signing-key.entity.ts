import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A key pair of the built-in issuer; the private key is encrypted under ENCRYPTION_KEYS. */
@Entity('auth_signing_keys')
export class SigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 10 })
  algorithm!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: Record<string, string>;

  @Column({ name: 'private_key_encrypted', type: 'text' })
  privateKeyEncrypted!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When it stopped signing; it keeps verifying until tokens it signed have expired. */
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}
