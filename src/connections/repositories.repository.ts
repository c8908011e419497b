import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RepositoryRecord } from './entities/repository.entity.js';
import type { UpstreamRepository } from './providers/provider.js';

export interface NameCursor {
  fullName: string;
  id: string;
}

export interface SyncCounts {
  total: number;
  added: number;
  updated: number;
  deactivated: number;
}

/** All SQL about repository records (the table repository analysis shares). */
@Injectable()
export class RepositoriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  listForConnection(
    orgId: string,
    connectionId: string,
    cursor: NameCursor | null,
    limit: number,
  ): Promise<RepositoryRecord[]> {
    const q = this.dataSource.manager
      .createQueryBuilder(RepositoryRecord, 'r')
      .where('r.organization_id = :orgId AND r.connection_id = :connectionId', {
        orgId,
        connectionId,
      });
    if (cursor) q.andWhere('(r.full_name, r.id) > (:fullName, :id)', cursor);
    return q
      .orderBy('r.full_name', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }

  /**
   * Upserts `repos` for the connection; with `complete`, every other repository of the
   * connection is marked inactive (the service no longer lists it).
   */
  async upsert(
    orgId: string,
    connectionId: string,
    provider: string,
    repos: UpstreamRepository[],
    complete: boolean,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<SyncCounts> {
    let added = 0;
    let updated = 0;
    const CHUNK = 500;
    for (let i = 0; i < repos.length; i += CHUNK) {
      const chunk = repos.slice(i, i + CHUNK);
      const rows = await manager.query<{ inserted: boolean }[]>(
        `INSERT INTO repositories (organization_id, connection_id, provider, external_id, full_name,
            default_branch, private, html_url, clone_url, archived, active, synced_at)
         SELECT $1, $2, $3, r.external_id, r.full_name, r.default_branch, r.private, r.html_url,
                r.clone_url, r.archived, true, now()
           FROM jsonb_to_recordset($4::jsonb) AS r(external_id text, full_name text,
                default_branch text, private boolean, html_url text, clone_url text, archived boolean)
         ON CONFLICT (organization_id, provider, external_id) DO UPDATE SET
            connection_id = EXCLUDED.connection_id, full_name = EXCLUDED.full_name,
            default_branch = COALESCE(EXCLUDED.default_branch, repositories.default_branch),
            private = EXCLUDED.private,
            html_url = COALESCE(EXCLUDED.html_url, repositories.html_url),
            clone_url = COALESCE(EXCLUDED.clone_url, repositories.clone_url),
            archived = EXCLUDED.archived, active = true, synced_at = now(), updated_at = now()
         RETURNING (xmax = 0) AS inserted`,
        [
          orgId,
          connectionId,
          provider,
          JSON.stringify(
            chunk.map((r) => ({
              external_id: r.externalId,
              full_name: r.fullName,
              default_branch: r.defaultBranch,
              private: r.private,
              html_url: r.htmlUrl,
              clone_url: r.cloneUrl,
              archived: r.archived,
            })),
          ),
        ],
      );
      for (const row of rows) {
        if (row.inserted) added++;
        else updated++;
      }
    }
    let deactivated = 0;
    if (complete) {
      const rows = await manager.query<[unknown[], number]>(
        `UPDATE repositories SET active = false, updated_at = now()
          WHERE connection_id = $1 AND active AND NOT (external_id = ANY($2::text[]))
          RETURNING id`,
        [connectionId, repos.map((r) => r.externalId)],
      );
      deactivated = rows[1];
    }
    return { total: repos.length, added, updated, deactivated };
  }

  /** Marks repositories of the connection inactive (removed from an installation, deleted). */
  async deactivate(
    connectionId: string,
    externalIds: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    if (externalIds.length === 0) return;
    await manager.query(
      `UPDATE repositories SET active = false, updated_at = now()
        WHERE connection_id = $1 AND external_id = ANY($2::text[])`,
      [connectionId, externalIds],
    );
  }

  /** Before a connection is deleted: its repositories stay, inactive, without a connection. */
  async detachConnection(manager: EntityManager, connectionId: string): Promise<void> {
    await manager.query(
      `UPDATE repositories SET active = false, connection_id = NULL, updated_at = now() WHERE connection_id = $1`,
      [connectionId],
    );
  }

  findByExternalId(connectionId: string, externalId: string): Promise<RepositoryRecord | null> {
    return this.dataSource.manager.findOneBy(RepositoryRecord, { connectionId, externalId });
  }
}
