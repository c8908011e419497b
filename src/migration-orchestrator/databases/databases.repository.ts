import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, type Repository } from 'typeorm';
import type { DatabaseType } from '../orchestrator.types.js';
import { TargetDatabase } from '../target-database.entity.js';

export interface DatabaseListFilter {
  type?: DatabaseType;
  region?: string;
  tenantId?: string;
  active?: boolean;
}

/** Which registered databases a plan covers (all conditions narrow; undefined = any). */
export interface DatabaseSelection {
  ids?: string[];
  types?: DatabaseType[];
  regions?: string[];
  tags?: string[];
}

/** All SQL over the registry (orchestrator_databases). Deleted rows are never returned. */
@Injectable()
export class DatabasesRepository {
  constructor(
    @InjectRepository(TargetDatabase) private readonly rows: Repository<TargetDatabase>,
  ) {}

  async insert(row: TargetDatabase): Promise<TargetDatabase> {
    await this.rows.insert(row);
    return (await this.findById(row.id))!;
  }

  findById(id: string): Promise<TargetDatabase | null> {
    return this.rows
      .createQueryBuilder('d')
      .where('d.id = :id AND d.deleted_at IS NULL', { id })
      .getOne();
  }

  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    const qb = this.rows
      .createQueryBuilder('d')
      .where('d.name = :name AND d.deleted_at IS NULL', { name });
    if (exceptId) qb.andWhere('d.id <> :exceptId', { exceptId });
    return (await qb.getCount()) > 0;
  }

  /** A page in name order (keyset on name, id). */
  listPage(
    filter: DatabaseListFilter,
    after: { name: string; id: string } | undefined,
    limit: number,
  ): Promise<TargetDatabase[]> {
    const qb = this.rows.createQueryBuilder('d').where('d.deleted_at IS NULL');
    if (filter.type) qb.andWhere('d.type = :type', { type: filter.type });
    if (filter.region) qb.andWhere('d.region = :region', { region: filter.region });
    if (filter.tenantId) qb.andWhere('d.tenant_id = :tenantId', { tenantId: filter.tenantId });
    if (filter.active !== undefined) qb.andWhere('d.active = :active', { active: filter.active });
    if (after) {
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('d.name > :an', { an: after.name })
            .orWhere('d.name = :an AND d.id > :ai', { ai: after.id }),
        ),
      );
    }
    return qb.orderBy('d.name', 'ASC').addOrderBy('d.id', 'ASC').take(limit).getMany();
  }

  /** Active databases matching a selection, in name order. */
  selectActive(selection: DatabaseSelection): Promise<TargetDatabase[]> {
    const qb = this.rows.createQueryBuilder('d').where('d.deleted_at IS NULL AND d.active');
    if (selection.ids) qb.andWhere('d.id IN (:...ids)', { ids: selection.ids });
    if (selection.types) qb.andWhere('d.type IN (:...types)', { types: selection.types });
    if (selection.regions) qb.andWhere('d.region IN (:...regions)', { regions: selection.regions });
    if (selection.tags) qb.andWhere('d.tags && :tags', { tags: selection.tags });
    return qb.orderBy('d.name', 'ASC').addOrderBy('d.id', 'ASC').getMany();
  }

  async update(id: string, patch: Partial<TargetDatabase>): Promise<TargetDatabase> {
    await this.rows.update({ id }, patch);
    return (await this.findById(id))!;
  }

  async softDelete(id: string): Promise<boolean> {
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({ deletedAt: () => 'now()', active: false })
      .where('id = :id AND deleted_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async recordStatus(id: string, reachable: boolean): Promise<void> {
    await this.rows.update(
      { id },
      { lastStatus: reachable ? 'reachable' : 'unreachable', lastCheckedAt: new Date() },
    );
  }

  async counts(): Promise<{ active: number; inactive: number; unreachable: number }> {
    const [row] = await this.rows.query<
      { active: string; inactive: string; unreachable: string }[]
    >(
      `SELECT count(*) FILTER (WHERE active) AS active,
              count(*) FILTER (WHERE NOT active) AS inactive,
              count(*) FILTER (WHERE active AND last_status = 'unreachable') AS unreachable
         FROM orchestrator_databases WHERE deleted_at IS NULL`,
    );
    return {
      active: Number(row.active),
      inactive: Number(row.inactive),
      unreachable: Number(row.unreachable),
    };
  }
}
