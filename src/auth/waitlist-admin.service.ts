import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppException } from '../core/errors/app.exception.js';
import {
  DEFAULT_PAGE_SIZE,
  decodeTimeIdCursor,
  toPage,
  type PageDto,
} from '../core/pagination/page.js';
import { AccountMailer } from './account-mailer.service.js';
import { AuthErrorCode } from './auth-error-codes.js';
import type { WaitlistEntryDto } from './dto/waitlist.dto.js';
import { OneTimeTokenPurpose } from './entities/one-time-token.entity.js';
import { WaitlistStatus, type WaitlistEntry } from './entities/waitlist-entry.entity.js';
import { OneTimeTokensService } from './one-time-tokens.service.js';
import type { Principal } from './principal.js';
import { WaitlistRepository, type WaitlistCursor } from './waitlist.repository.js';

/**
 * Administrators decide on waitlist entries, once: approving mails a single-use
 * invitation, rejecting mails a polite no. The mail is sent inside the decision's
 * transaction, so a decision is never recorded without its mail.
 */
@Injectable()
export class WaitlistAdminService {
  constructor(
    private readonly entries: WaitlistRepository,
    private readonly tokens: OneTimeTokensService,
    private readonly mailer: AccountMailer,
    private readonly dataSource: DataSource,
  ) {}

  async list(
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
    status?: WaitlistStatus,
  ): Promise<PageDto<WaitlistEntryDto>> {
    const rows = await this.entries.findPage(cursor ? parseCursor(cursor) : null, limit, status);
    return toPage(rows, limit, toWaitlistEntryDto, (e) => [e.createdAt.toISOString(), e.id]);
  }

  async approve(id: string, admin: Principal): Promise<WaitlistEntryDto> {
    return this.decide(id, admin, WaitlistStatus.Approved, async (entry, m) => {
      const token = await this.tokens.issue(
        OneTimeTokenPurpose.Invite,
        { waitlistEntryId: entry.id },
        { email: entry.email },
        m,
      );
      await this.mailer.invite(entry.email, token, admin.name);
    });
  }

  async reject(id: string, admin: Principal): Promise<WaitlistEntryDto> {
    return this.decide(id, admin, WaitlistStatus.Rejected, (entry) =>
      this.mailer.waitlistRejected(entry.email),
    );
  }

  private async decide(
    id: string,
    admin: Principal,
    to: WaitlistStatus.Approved | WaitlistStatus.Rejected,
    notify: (entry: WaitlistEntry, m: EntityManager) => Promise<void>,
  ): Promise<WaitlistEntryDto> {
    return this.dataSource.transaction(async (m) => {
      const decided = await this.entries.transition(
        id,
        WaitlistStatus.Pending,
        to,
        { decidedAt: new Date(), decidedBy: admin.userId },
        m,
      );
      const entry = await this.entries.findById(id, m);
      if (!entry) {
        throw new AppException(
          404,
          AuthErrorCode.WaitlistEntryNotFound,
          'No waitlist entry with this id.',
        );
      }
      if (!decided) {
        throw new AppException(
          409,
          AuthErrorCode.WaitlistEntryDecided,
          `This waitlist entry was already decided (${entry.status}).`,
        );
      }
      await notify(entry, m);
      return toWaitlistEntryDto(entry);
    });
  }
}

function parseCursor(cursor: string): WaitlistCursor {
  const { at, id } = decodeTimeIdCursor(cursor);
  return { createdAt: at, id };
}

/** The one entity-to-DTO mapping of waitlist entries. */
export function toWaitlistEntryDto(entry: WaitlistEntry): WaitlistEntryDto {
  return {
    id: entry.id,
    email: entry.email,
    status: entry.status,
    createdAt: entry.createdAt.toISOString(),
    decidedAt: entry.decidedAt ? entry.decidedAt.toISOString() : null,
    decidedBy: entry.decidedBy,
    userId: entry.userId,
  };
}
