import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThanOrEqual, Not, type EntityManager, type Repository } from 'typeorm';
import { MailMessage, MailStatus } from './mail-message.entity.js';

/** Advisory-lock namespace ("mail") that serialises the per-recipient limit check. */
const RECIPIENT_LOCK_NAMESPACE = 0x6d61696c;

export interface MailDraft {
  recipient: string;
  template: string;
  subject: string;
  text: string;
  html: string;
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
   * mails since `since`. A per-recipient advisory lock makes the count and the insert
   * atomic, so concurrent sends cannot overshoot the limit.
   */
  insertWithinLimit(draft: MailDraft, since: Date, max: number): Promise<MailMessage> {
    return this.repo.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext(lower($2)))', [
        RECIPIENT_LOCK_NAMESPACE,
        draft.recipient,
      ]);
      const recent = await this.countRecentForRecipient(draft.recipient, since, manager);
      const status = recent >= max ? MailStatus.Suppressed : MailStatus.Queued;
      const repo = manager.getRepository(MailMessage);
      return repo.save(repo.create({ ...draft, status, attempts: 0, lastError: null }));
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

  /** Delivered by SMTP: counts the attempt. Only a queued mail changes. */
  async markSent(id: string): Promise<boolean> {
    return this.finish(id, MailStatus.Sent, { sentAt: () => 'now()' });
  }

  /** Kept in the outbox (no SMTP): counts the attempt. Only a queued mail changes. */
  async markLogged(id: string): Promise<boolean> {
    return this.finish(id, MailStatus.Logged, {});
  }

  /** Counts a failed attempt with its (credential-free) error; the final one marks it failed. */
  async recordFailure(id: string, error: string, final: boolean): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update(MailMessage)
      .set({
        attempts: () => 'attempts + 1',
        lastError: error,
        ...(final ? { status: MailStatus.Failed } : {}),
      })
      .where('id = :id AND status = :queued', { id, queued: MailStatus.Queued })
      .execute();
  }

  /** Gives up on a queued mail that was never attempted (its job could not be enqueued). */
  async markFailed(id: string, error: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update(MailMessage)
      .set({ status: MailStatus.Failed, lastError: error })
      .where('id = :id AND status = :queued', { id, queued: MailStatus.Queued })
      .execute();
  }

  private async finish(
    id: string,
    status: MailStatus.Sent | MailStatus.Logged,
    extra: { sentAt?: () => string },
  ): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(MailMessage)
      .set({ status, attempts: () => 'attempts + 1', ...extra })
      .where('id = :id AND status = :queued', { id, queued: MailStatus.Queued })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
