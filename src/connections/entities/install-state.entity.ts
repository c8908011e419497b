import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A used install `state` nonce: a state is good once. Rows past their expiry are pruned. */
@Entity('connection_install_states')
export class UsedInstallState {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  nonce!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'used_at', type: 'timestamptz' })
  usedAt!: Date;
}
