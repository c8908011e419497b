import { Injectable } from '@nestjs/common';
import { AuditAction, AuditTargetType } from '../../audit/audit-actions.js';
import type { AuditEntry } from '../../audit/audit-entry.entity.js';
import type { AuditFilter } from '../../audit/audit.repository.js';
import { AuditService } from '../../audit/audit.service.js';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  invalidCursor,
  toPage,
  type PageDto,
} from '../../core/pagination/page.js';
import { invalidRange } from '../admin.errors.js';
import type { AuditEntryDto, AuditFilterQueryDto, AuditVerificationDto } from './dto/audit.dto.js';

export function toAuditEntryDto(e: AuditEntry): AuditEntryDto {
  return {
    id: e.id,
    seq: Number(e.seq),
    occurredAt: e.occurredAt.toISOString(),
    actorId: e.actorId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    before: e.before ?? null,
    after: e.after ?? null,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    hash: e.hash,
    prevHash: e.prevHash,
  };
}

function filterOf(query: AuditFilterQueryDto): AuditFilter {
  const from = query.from ? new Date(query.from) : undefined;
  const to = query.to ? new Date(query.to) : undefined;
  if (from && to && from >= to) throw invalidRange('from must be before to.');
  return {
    actorId: query.actorId,
    action: query.action,
    targetType: query.targetType,
    targetId: query.targetId,
    from,
    to,
  };
}

/** The admin console's reading of the audit log: pages, verification, NDJSON export. */
@Injectable()
export class AdminAuditService {
  constructor(private readonly audit: AuditService) {}

  async list(query: AuditFilterQueryDto): Promise<PageDto<AuditEntryDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const filter = filterOf(query);
    if (query.cursor) {
      const [seq] = decodeCursor(query.cursor, 1);
      if (typeof seq !== 'string' || !/^\d{1,19}$/.test(seq)) throw invalidCursor();
      filter.beforeSeq = seq;
    }
    const rows = await this.audit.list(filter, limit);
    return toPage(rows, limit, toAuditEntryDto, (e) => [e.seq]);
  }

  verify(): Promise<AuditVerificationDto> {
    return this.audit.verify();
  }

  /** Records the export itself, then yields the matching entries as NDJSON lines. */
  async export(actorId: string, query: AuditFilterQueryDto): Promise<AsyncGenerator<string>> {
    const filter = filterOf(query);
    await this.audit.recordNow({
      action: AuditAction.AuditExported,
      actorId,
      target: { type: AuditTargetType.Audit, id: 'export' },
      after: { filter: { ...query } },
    });
    const batches = this.audit.matching(filter);
    return (async function* lines() {
      for await (const batch of batches) {
        yield batch.map((e) => `${JSON.stringify(toAuditEntryDto(e))}\n`).join('');
      }
    })();
  }
}
