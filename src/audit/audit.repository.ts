import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { AuditCheckpoint, AuditEntry } from './audit-entry.entity.js';

/** Serializes appends to the chain (and retention) across every replica. */
const AUDIT_LOCK_KEY = 7_316_001;

export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Only entries before this position (newest-first keyset). */
  beforeSeq?: string;
}

/** All SQL of the audit log. */
@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>) {}

  /** Holds the chain's lock until the caller's transaction ends. */
  async lockChain(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
  }

  /** The hash the next entry links to: the newest entry's, else the retention checkpoint's. */
  async headHash(manager: EntityManager): Promise<string | null> {
    const rows: { hash: string }[] = await manager.query(
      `SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1`,
    );
    if (rows[0]) return rows[0].hash;
    return (await this.checkpoint(manager))?.lastRemovedHash ?? null;
  }

  checkpoint(manager?: EntityManager): Promise<AuditCheckpoint | null> {
    return (manager ?? this.entries.manager).getRepository(AuditCheckpoint).findOneBy({ id: 1 });
  }

  async insert(manager: EntityManager, e: Omit<AuditEntry, 'seq'>): Promise<void> {
    await manager.query(
      `INSERT INTO audit_entries (id, occurred_at, actor_id, action, target_type, target_id,
                                  before, after, ip, user_agent, request_id, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13)`,
      [
        e.id,
        e.occurredAt,
        e.actorId,
        e.action,
        e.targetType,
        e.targetId,
        e.before === null ? null : JSON.stringify(e.before),
        e.after === null ? null : JSON.stringify(e.after),
        e.ip,
        e.userAgent,
        e.requestId,
        e.prevHash,
        e.hash,
      ],
    );
  }

  /** Newest first, `limit + 1` rows. */
  list(filter: AuditFilter, limit: number): Promise<AuditEntry[]> {
    return this.filtered(filter)
      .orderBy('e.seq', 'DESC')
      .limit(limit + 1)
      .getMany();
  }

  /** Oldest first after position `afterSeq`: batches of an export. */
  listAfter(filter: AuditFilter, afterSeq: string, limit: number): Promise<AuditEntry[]> {
    return this.filtered(filter)
      .andWhere('e.seq > :afterSeq', { afterSeq })
      .orderBy('e.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  private filtered(filter: AuditFilter) {
    const q = this.entries.createQueryBuilder('e');
    if (filter.actorId) q.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action) q.andWhere('e.action = :action', { action: filter.action });
    if (filter.targetType)
      q.andWhere('e.target_type = :targetType', { targetType: filter.targetType });
    if (filter.targetId) q.andWhere('e.target_id = :targetId', { targetId: filter.targetId });
    if (filter.from) q.andWhere('e.occurred_at >= :from', { from: filter.from });
    if (filter.to) q.andWhere('e.occurred_at < :to', { to: filter.to });
    if (filter.beforeSeq) q.andWhere('e.seq < :seq', { seq: filter.beforeSeq });
    return q;
  }

  /** Oldest first from (excluding) `afterSeq`: the walk of verification. */
  chainFrom(afterSeq: string, limit: number): Promise<AuditEntry[]> {
    return this.entries
      .createQueryBuilder('e')
      .where('e.seq > :afterSeq', { afterSeq })
      .orderBy('e.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** The newest entry that occurred before `cutoff` (retention removes it and all older). */
  async lastBefore(manager: EntityManager, cutoff: Date): Promise<AuditEntry | null> {
    return manager
      .getRepository(AuditEntry)
      .createQueryBuilder('e')
      .where('e.occurred_at < :cutoff', { cutoff })
      .orderBy('e.seq', 'DESC')
      .limit(1)
      .getOne();
  }

  /** Deletes every entry up to `seq` and moves the checkpoint there; returns how many. */
  async removeThrough(manager: EntityManager, last: AuditEntry): Promise<number> {
    const deleted: [unknown[], number] = await manager.query(
      `DELETE FROM audit_entries WHERE seq <= $1`,
      [last.seq],
    );
    const count = deleted[1];
    await manager.query(
      `INSERT INTO audit_checkpoint (id, last_removed_seq, last_removed_hash, removed_total, updated_at)
       VALUES (1, $1, $2, $3, now())
       ON CONFLICT (id) DO UPDATE SET last_removed_seq = EXCLUDED.last_removed_seq,
         last_removed_hash = EXCLUDED.last_removed_hash,
         removed_total = audit_checkpoint.removed_total + EXCLUDED.removed_total,
         updated_at = now()`,
      [last.seq, last.hash, count],
    );
    return count;
  }
}
