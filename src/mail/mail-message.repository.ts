import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  MoreThanOrEqual,
  Not,
  type EntityManager,
  type QueryDeepPartialEntity,
  type Repository,
} from 'typeorm';
import { MailMessage, MailStatus } from './mail-message.entity.js';

/** Advisory-lock namespace ("mail") that serialises the per-recipient limit check. */
const RECIPIENT_LOCK_NAMESPACE = 0x6d61696c;

type MailUpdate = QueryDeepPartialEntity<MailMessage>;

/** The stored parts become their masked copies (when the mail has any), which are cleared. */
const MASKED_PARTS = {
  text: () => 'COALESCE(masked_text, text)',
  html: () => 'COALESCE(masked_html, html)',
  maskedText: null,
  maskedHtml: null,
} satisfies MailUpdate;

export interface MailDraft {
  recipient: string;
  template: string;
  subject: string;
  text: string;
  html: string;
  /** The parts to keep once the mail is sent (single-use links masked); null: keep as is. */
  maskedText: string | null;
  maskedHtml: string | null;
}

export interface OutboxCursor {
  createdAt: Date;
  id: string;
}

/** All SQL about mail_messages. */
@Injectable()
export class MailMessageRepository {
  constructor(@InjectRepository(MailMessage) private readonly repo: Repository<MailMessage>) {}

  /** Mails to this recipient since `since` that count towards the limit (not suppressed). */
  countRecentForRecipient(
    recipient: string,
    since: Date,
    manager: EntityManager = this.repo.manager,
  ): Promise<number> {
    return manager.getRepository(MailMessage).count({
      where: {
        recipient,
        createdAt: MoreThanOrEqual(since),
        status: Not(MailStatus.Suppressed),
      },
    });
  }

  /**
   * Stores the mail as queued, or as suppressed when the recipient already has `max`
   * mails since `since` (with `maskIfSuppressed`, a suppressed mail keeps only its masked
   * parts). A per-recipient advisory lock makes the count and the insert atomic, so
   * concurrent sends cannot overshoot the limit.
   */
  insertWithinLimit(
    draft: MailDraft,
    since: Date,
    max: number,
    { maskIfSuppressed }: { maskIfSuppressed: boolean },
  ): Promise<MailMessage> {
    return this.repo.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext(lower($2)))', [
        RECIPIENT_LOCK_NAMESPACE,
        draft.recipient,
      ]);
      const recent = await this.countRecentForRecipient(draft.recipient, since, manager);
      const status = recent >= max ? MailStatus.Suppressed : MailStatus.Queued;
      const parts =
        status === MailStatus.Suppressed && maskIfSuppressed
          ? {
              text: draft.maskedText ?? draft.text,
              html: draft.maskedHtml ?? draft.html,
              maskedText: null,
              maskedHtml: null,
            }
          : {};
      const repo = manager.getRepository(MailMessage);
      return repo.save(repo.create({ ...draft, ...parts, status, attempts: 0, lastError: null }));
    });
  }

  findById(id: string): Promise<MailMessage | null> {
    return this.repo.findOneBy({ id });
  }

  /** Newest first, keyset on (created_at, id); fetches `limit + 1` rows. */
  findPage(cursor: OutboxCursor | null, limit: number, recipient?: string): Promise<MailMessage[]> {
    const query = this.repo
      .createQueryBuilder('m')
      .orderBy('m.createdAt', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(limit + 1);
    if (recipient) query.andWhere('m.recipient = :recipient', { recipient });
    if (cursor) {
      query.andWhere('(m.createdAt, m.id) < (:createdAt, :id)', {
        createdAt: cursor.createdAt,
        id: cursor.id,
      });
    }
    return query.getMany();
  }

  /**
   * Accepted by the SMTP server: counts the attempt, and the stored parts become their
   * masked copies. Only a queued mail changes.
   */
  async markSent(id: string): Promise<boolean> {
    return this.finish(id, { status: MailStatus.Sent, sentAt: () => 'now()', ...MASKED_PARTS });
  }

  /** Kept in the outbox (no SMTP), links readable: counts the attempt. Only a queued mail changes. */
  async markLogged(id: string): Promise<boolean> {
    return this.finish(id, { status: MailStatus.Logged });
  }

  /**
   * Counts a failed attempt with its (credential-free) error; the final one marks it
   * failed and masks its parts (its links will never be delivered).
   */
  async recordFailure(id: string, error: string, final: boolean): Promise<void> {
    await this.update(id, {
      attempts: () => 'attempts + 1',
      lastError: error,
      ...(final ? { status: MailStatus.Failed, ...MASKED_PARTS } : {}),
    });
  }

  /**
   * Gives up on a queued mail without counting an attempt (its job could not be enqueued,
   * or every attempt was interrupted); its parts are masked.
   */
  async markFailed(id: string, error: string): Promise<boolean> {
    return this.finish(id, { status: MailStatus.Failed, lastError: error, ...MASKED_PARTS }, false);
  }

  private async finish(id: string, changes: MailUpdate, countAttempt = true): Promise<boolean> {
    return this.update(id, countAttempt ? { attempts: () => 'attempts + 1', ...changes } : changes);
  }

  /** Applies the changes to a queued mail; false when the mail is not (or no longer) queued. */
  private async update(id: string, changes: MailUpdate): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(MailMessage)
      .set(changes)
      .where('id = :id AND status = :queued', { id, queued: MailStatus.Queued })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
