import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { MigrationSchedule } from './schedule.entity.js';

/** All SQL over orchestrator_schedules. */
@Injectable()
export class SchedulesRepository {
  constructor(
    @InjectRepository(MigrationSchedule) private readonly rows: Repository<MigrationSchedule>,
  ) {}

  create(row: Partial<MigrationSchedule>): Promise<MigrationSchedule> {
    return this.rows.save(this.rows.create(row));
  }

  findById(id: string): Promise<MigrationSchedule | null> {
    return this.rows.findOneBy({ id });
  }

  listPage(
    after: { at: Date; id: string } | undefined,
    limit: number,
  ): Promise<MigrationSchedule[]> {
    const qb = this.rows.createQueryBuilder('s');
    if (after)
      qb.where('(s.created_at, s.id) < (:at, :id)', { at: after.at.toISOString(), id: after.id });
    return qb.orderBy('s.created_at', 'DESC').addOrderBy('s.id', 'DESC').take(limit).getMany();
  }

  async update(id: string, patch: Partial<MigrationSchedule>): Promise<MigrationSchedule | null> {
    await this.rows.update({ id }, patch);
    return this.findById(id);
  }

  async remove(id: string): Promise<boolean> {
    return ((await this.rows.delete({ id })).affected ?? 0) > 0;
  }
}
