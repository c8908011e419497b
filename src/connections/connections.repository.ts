import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { TimeIdCursor } from '../core/pagination/page.js';
import { ConnectionEvent, type ConnectionEventCause } from './entities/connection-event.entity.js';
import {
  ServiceConnection,
  type ConnectionService,
  type ConnectionStatus,
  type HealthResult,
} from './entities/service-connection.entity.js';
import { ServiceCredential } from './entities/service-credential.entity.js';

export interface ConnectionFilter {
  service?: ConnectionService;
  status?: ConnectionStatus;
}

export interface NewEvent {
  connectionId: string;
  organizationId: string;
  fromStatus: string | null;
  toStatus: string;
  reason: string | null;
  cause: ConnectionEventCause;
  actorId: string | null;
}

export interface ConnectionWithCredential {
  connection: ServiceConnection;
  credential: ServiceCredential | null;
}

/**
 * All SQL about connections, their credentials and their events. Reads for callers are
 * scoped by organization (`orgId` first); the unscoped reads serve jobs and webhooks.
 */
@Injectable()
export class ConnectionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(
    manager: EntityManager,
    connection: Partial<ServiceConnection>,
    credential: Partial<ServiceCredential>,
    event: NewEvent,
  ): Promise<void> {
    await manager.insert(ServiceConnection, connection as never);
    await manager.insert(ServiceCredential, credential as never);
    await manager.insert(ConnectionEvent, event);
  }

  findById(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ServiceConnection | null> {
    return manager.findOneBy(ServiceConnection, { id });
  }

  async findWithCredential(id: string): Promise<ConnectionWithCredential | null> {
    const connection = await this.findById(id);
    if (!connection) return null;
    const credential = await this.dataSource.manager.findOneBy(ServiceCredential, {
      connectionId: id,
    });
    return { connection, credential };
  }

  findCredential(
    connectionId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ServiceCredential | null> {
    return manager.findOneBy(ServiceCredential, { connectionId });
  }

  lockCredential(manager: EntityManager, connectionId: string): Promise<ServiceCredential | null> {
    return manager
      .createQueryBuilder(ServiceCredential, 'c')
      .setLock('pessimistic_write')
      .where('c.connection_id = :connectionId', { connectionId })
      .getOne();
  }

  async updateCredential(
    connectionId: string,
    fields: Partial<ServiceCredential>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.update(ServiceCredential, { connectionId }, fields as never);
  }

  async replaceCredential(
    manager: EntityManager,
    credential: Partial<ServiceCredential>,
  ): Promise<void> {
    await manager.upsert(ServiceCredential, credential as never, ['connectionId']);
  }

  /** Locks the connection row for a status change. */
  lock(manager: EntityManager, id: string): Promise<ServiceConnection | null> {
    return manager
      .createQueryBuilder(ServiceConnection, 'c')
      .setLock('pessimistic_write')
      .where('c.id = :id', { id })
      .getOne();
  }

  async update(
    manager: EntityManager,
    id: string,
    fields: Partial<ServiceConnection>,
  ): Promise<void> {
    await manager.update(ServiceConnection, { id }, fields as never);
  }

  async insertEvent(manager: EntityManager, event: NewEvent): Promise<void> {
    await manager.insert(ConnectionEvent, event);
  }

  /** One organization's connections, newest first. */
  listForOrganization(
    orgId: string,
    filter: ConnectionFilter,
    cursor: TimeIdCursor | null,
    limit: number,
  ): Promise<ServiceConnection[]> {
    const q = this.dataSource.manager
      .createQueryBuilder(ServiceConnection, 'c')
      .where('c.organization_id = :orgId', { orgId });
    if (filter.service) q.andWhere('c.service = :service', { service: filter.service });
    if (filter.status) q.andWhere('c.status = :status', { status: filter.status });
    if (cursor) q.andWhere('(c.created_at, c.id) < (:at, :id)', { at: cursor.at, id: cursor.id });
    return q
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }

  async credentialsFor(ids: string[]): Promise<Map<string, ServiceCredential>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.manager
      .createQueryBuilder(ServiceCredential, 'c')
      .where('c.connection_id IN (:...ids)', { ids })
      .getMany();
    return new Map(rows.map((r) => [r.connectionId, r]));
  }

  /** A connection's events, newest first. */
  listEvents(
    orgId: string,
    connectionId: string,
    cursor: TimeIdCursor | null,
    limit: number,
  ): Promise<ConnectionEvent[]> {
    const q = this.dataSource.manager
      .createQueryBuilder(ConnectionEvent, 'e')
      .where('e.organization_id = :orgId AND e.connection_id = :connectionId', {
        orgId,
        connectionId,
      });
    if (cursor) q.andWhere('(e.created_at, e.id) < (:at, :id)', { at: cursor.at, id: cursor.id });
    return q
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }

  /**
   * Claims a manual check: sets health_refreshed_at unless one ran less than `minMs` ago.
   * Returns 0 when claimed, else the milliseconds left to wait.
   */
  async claimRefresh(id: string, minMs: number): Promise<number> {
    const rows = await this.dataSource.query<[unknown[], number] | unknown[]>(
      `UPDATE service_connections SET health_refreshed_at = now()
        WHERE id = $1 AND (health_refreshed_at IS NULL
          OR health_refreshed_at <= now() - make_interval(secs => $2::double precision / 1000))
        RETURNING id`,
      [id, minMs],
    );
    const updated = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : (rows as unknown[]);
    if (updated.length > 0) return 0;
    const [row] = await this.dataSource.query<{ wait: string | number }[]>(
      `SELECT GREATEST(0, $2::double precision - EXTRACT(EPOCH FROM (now() - health_refreshed_at)) * 1000) AS wait
         FROM service_connections WHERE id = $1`,
      [id, minMs],
    );
    return row ? Math.max(1, Math.ceil(Number(row.wait))) : 0;
  }

  /** Stores a check result: the last result, the bounded history, the status fields. */
  async recordHealth(
    manager: EntityManager,
    id: string,
    result: HealthResult,
    history: HealthResult[],
    fields: Partial<ServiceConnection>,
  ): Promise<void> {
    await manager.update(ServiceConnection, { id }, {
      ...fields,
      lastHealth: result,
      healthHistory: history,
    } as never);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(ServiceConnection, { id });
  }

  /** Ids of connections in these statuses after `afterId`, in id order (the sweep's pages). */
  async idsInStatuses(
    statuses: readonly ConnectionStatus[],
    afterId: string | null,
    limit: number,
  ): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM service_connections
        WHERE status = ANY($1::connection_status[]) AND ($2::uuid IS NULL OR id > $2::uuid)
        ORDER BY id LIMIT $3`,
      [statuses, afterId, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Connections linked to an installation or workspace, across organizations. */
  findByExternalId(
    service: ConnectionService,
    externalId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ServiceConnection[]> {
    return manager.findBy(ServiceConnection, { service, externalId });
  }

  findInOrganizationByExternalId(
    orgId: string,
    service: ConnectionService,
    externalId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ServiceConnection | null> {
    return manager.findOneBy(ServiceConnection, { organizationId: orgId, service, externalId });
  }
}
