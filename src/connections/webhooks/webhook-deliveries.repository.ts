import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { WebhookDelivery, WebhookDeliveryStatus } from '../entities/webhook-delivery.entity.js';

export interface NewDelivery {
  service: string;
  deliveryId: string;
  event: string;
  action: string | null;
  externalId: string | null;
  payload: string;
}

/** All SQL about stored webhook deliveries. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a delivery once: the row id, or null when this delivery id was stored before. */
  async insertOnce(d: NewDelivery): Promise<string | null> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_deliveries (service, delivery_id, event, action, external_id, payload)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (service, delivery_id) DO NOTHING RETURNING id`,
      [d.service, d.deliveryId, d.event, d.action, d.externalId, d.payload],
    );
    return rows[0]?.id ?? null;
  }

  lock(manager: EntityManager, id: string): Promise<WebhookDelivery | null> {
    return manager
      .createQueryBuilder(WebhookDelivery, 'd')
      .setLock('pessimistic_write')
      .where('d.id = :id', { id })
      .getOne();
  }

  async finish(
    manager: EntityManager,
    id: string,
    status: WebhookDeliveryStatus,
    error: string | null = null,
  ): Promise<void> {
    await manager.update(WebhookDelivery, { id }, { status, error, processedAt: new Date() });
  }

  /** Deliveries stored but not processed for longer than `olderThanMs` (their job was lost). */
  async unprocessed(olderThanMs: number, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM webhook_deliveries
        WHERE status = 'received' AND received_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY received_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((r) => r.id);
  }
}
