import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum WebhookDeliveryStatus {
  Received = 'received',
  Processed = 'processed',
  /** Kept but nothing to do (an unknown event, or no connection it belongs to). */
  Ignored = 'ignored',
  Failed = 'failed',
}

/** One verified webhook delivery, stored once (deduplicated by the service's delivery id). */
@Entity('webhook_deliveries')
@Index('ux_webhook_deliveries_service_delivery', ['service', 'deliveryId'], { unique: true })
@Index('ix_webhook_deliveries_status', ['status', 'receivedAt'])
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 20 })
  service!: string;

  /** `X-GitHub-Delivery` or Slack's `event_id`. */
  @Column({ name: 'delivery_id', type: 'varchar', length: 200 })
  deliveryId!: string;

  /** GitHub's `X-GitHub-Event`, or the Slack event type. */
  @Column({ type: 'varchar', length: 100 })
  event!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  action!: string | null;

  /** The installation id or Slack team id the delivery is about. */
  @Column({ name: 'external_id', type: 'varchar', length: 100, nullable: true })
  externalId!: string | null;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'varchar', length: 20, default: WebhookDeliveryStatus.Received })
  status!: WebhookDeliveryStatus;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz', precision: 3 })
  receivedAt!: Date;

  @Column({ name: 'processed_at', type: 'timestamptz', precision: 3, nullable: true })
  processedAt!: Date | null;
}
