import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { currentRequestContext } from '../core/http/request-context.js';
import type { AuditAction, AuditTargetType } from './audit-actions.js';
import { entryHash, GENESIS_HASH } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.entity.js';
import { AuditRepository, type AuditFilter } from './audit.repository.js';
import { redact } from './redact.js';

/** What a feature records: who did what to which thing, and how it looked before and after. */
export interface AuditEvent {
  action: AuditAction;
  /** The user who acted; null for the system or an anonymous caller. */
  actorId: string | null;
  target?: { type: AuditTargetType; id: string };
  /** Snapshots; secrets are redacted before they are stored. */
  before?: unknown;
  after?: unknown;
  /** Overrides what the current request says about the client (jobs have no request). */
  client?: { ip?: string; userAgent?: string; requestId?: string };
}

export interface ChainVerification {
  valid: boolean;
  checked: number;
  firstBrokenId: string | null;
}

const WALK_BATCH = 1000;

/**
 * The append-only, hash-chained audit log. Features call `record` with the EntityManager
 * of the transaction that performs the action, so the entry commits or rolls back with
 * it. Appends are serialized by a transaction-level advisory lock, so concurrent writers
 * (on any replica) never fork the chain.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly entries: AuditRepository,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Appends an entry inside the caller's transaction; returns its id. */
  async record(manager: EntityManager, event: AuditEvent): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) {
      return manager.transaction((m) => this.record(m, event));
    }
    await this.entries.lockChain(manager);
    const prevHash = (await this.entries.headHash(manager)) ?? GENESIS_HASH;
    const request = currentRequestContext();
    const fields = {
      id: randomUUID(),
      // taken under the lock: entries' times follow the chain's order
      occurredAt: new Date(),
      actorId: event.actorId,
      action: event.action,
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      before: event.before === undefined ? null : redact(event.before),
      after: event.after === undefined ? null : redact(event.after),
      ip: (event.client?.ip ?? request?.ip)?.slice(0, 64) ?? null,
      userAgent: (event.client?.userAgent ?? request?.userAgent)?.slice(0, 300) ?? null,
      requestId: (event.client?.requestId ?? request?.requestId)?.slice(0, 128) ?? null,
    };
    await this.entries.insert(manager, { ...fields, prevHash, hash: entryHash(prevHash, fields) });
    return fields.id;
  }

  /** Records an event that is its own action (a failed sign-in), in its own transaction. */
  recordNow(event: AuditEvent): Promise<string> {
    return this.dataSource.transaction((m) => this.record(m, event));
  }

  /** Newest first; `limit + 1` rows so the caller can tell whether a next page exists. */
  list(filter: AuditFilter, limit: number): Promise<AuditEntry[]> {
    return this.entries.list(filter, limit);
  }

  /** Matching entries oldest first, in batches (an export). */
  async *matching(filter: AuditFilter): AsyncGenerator<AuditEntry[]> {
    let after = '0';
    for (;;) {
      const batch = await this.entries.listAfter(filter, after, WALK_BATCH);
      if (batch.length === 0) return;
      yield batch;
      after = batch[batch.length - 1].seq;
      if (batch.length < WALK_BATCH) return;
    }
  }

  /** Every entry oldest first, in batches (the export and the verification walk). */
  async *walk(): AsyncGenerator<AuditEntry[]> {
    let after = (await this.entries.checkpoint())?.lastRemovedSeq ?? '0';
    for (;;) {
      const batch = await this.entries.chainFrom(after, WALK_BATCH);
      if (batch.length === 0) return;
      yield batch;
      after = batch[batch.length - 1].seq;
      if (batch.length < WALK_BATCH) return;
    }
  }

  /** Recomputes every hash from the checkpoint (or the start) and reports the first break. */
  async verify(): Promise<ChainVerification> {
    let expected = (await this.entries.checkpoint())?.lastRemovedHash ?? GENESIS_HASH;
    let checked = 0;
    for await (const batch of this.walk()) {
      for (const entry of batch) {
        checked++;
        if (entry.prevHash !== expected || entryHash(expected, entry) !== entry.hash) {
          return { valid: false, checked, firstBrokenId: entry.id };
        }
        expected = entry.hash;
      }
    }
    return { valid: true, checked, firstBrokenId: null };
  }

  /** Removes entries older than AUDIT_RETENTION_DAYS, keeping the last one's hash. */
  async applyRetention(now = new Date()): Promise<number> {
    const days = this.config.audit.retentionDays;
    if (days === undefined) return 0;
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    const removed = await this.dataSource.transaction(async (m) => {
      await this.entries.lockChain(m);
      const last = await this.entries.lastBefore(m, cutoff);
      return last ? this.entries.removeThrough(m, last) : 0;
    });
    if (removed > 0)
      this.logger.log({ msg: 'audit entries past retention removed', removed, days });
    return removed;
  }
}
