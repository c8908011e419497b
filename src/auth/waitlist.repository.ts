import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { WaitlistEntry, WaitlistStatus } from './entities/waitlist-entry.entity.js';

export interface WaitlistCursor {
  createdAt: Date;
  id: string;
}

/** All SQL about auth_waitlist_entries. */
@Injectable()
export class WaitlistRepository {
  constructor(
    @InjectRepository(WaitlistEntry) private readonly entries: Repository<WaitlistEntry>,
  ) {}

  private repo(manager?: EntityManager): Repository<WaitlistEntry> {
    return manager ? manager.getRepository(WaitlistEntry) : this.entries;
  }

  /** Adds a pending entry; false when the address is already listed. */
  async insertIfAbsent(email: string): Promise<boolean> {
    const result = await this.entries
      .createQueryBuilder()
      .insert()
      .into(WaitlistEntry)
      .values({ email, status: WaitlistStatus.Pending })
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  findByEmail(email: string): Promise<WaitlistEntry | null> {
    return this.entries.findOneBy({ email });
  }

  findById(id: string, manager?: EntityManager): Promise<WaitlistEntry | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /** Oldest first, keyset on (created_at, id); fetches `limit + 1` rows. */
  findPage(
    cursor: WaitlistCursor | null,
    limit: number,
    status?: WaitlistStatus,
  ): Promise<WaitlistEntry[]> {
    const query = this.entries
      .createQueryBuilder('w')
      .orderBy('w.createdAt', 'ASC')
      .addOrderBy('w.id', 'ASC')
      .limit(limit + 1);
    if (status) query.andWhere('w.status = :status', { status });
    if (cursor) {
      query.andWhere('(w.createdAt, w.id) > (:createdAt, :id)', {
        createdAt: cursor.createdAt,
        id: cursor.id,
      });
    }
    return query.getMany();
  }

  /** Moves an entry from `from` to `to`; false when it was not in `from` (or is unknown). */
  async transition(
    id: string,
    from: WaitlistStatus,
    to: WaitlistStatus,
    fields: Partial<Pick<WaitlistEntry, 'decidedAt' | 'decidedBy' | 'userId'>>,
    manager?: EntityManager,
  ): Promise<boolean> {
    const result = await this.repo(manager)
      .createQueryBuilder()
      .update(WaitlistEntry)
      .set({ status: to, ...fields })
      .where('id = :id AND status = :from', { id, from })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async deleteForUser(userId: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(WaitlistEntry).delete({ userId });
  }
}
