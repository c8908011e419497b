import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import {
  OneTimeToken,
  type OneTimeTokenPayload,
  type OneTimeTokenPurpose,
} from './entities/one-time-token.entity.js';

/** Advisory-lock namespace ("otok") serialising token issues per owner and purpose. */
const TOKEN_LOCK_NAMESPACE = 0x6f746f6b;

/** What a usable token says: whom it belongs to and what it carries. */
export interface OneTimeTokenGrant {
  id: string;
  userId: string | null;
  waitlistEntryId: string | null;
  payload: OneTimeTokenPayload;
}

interface TokenRow {
  id: string;
  user_id: string | null;
  waitlist_entry_id: string | null;
  payload: OneTimeTokenPayload;
}

const toGrant = (r: TokenRow): OneTimeTokenGrant => ({
  id: r.id,
  userId: r.user_id,
  waitlistEntryId: r.waitlist_entry_id,
  payload: r.payload,
});

/** All SQL about auth_one_time_tokens. */
@Injectable()
export class OneTimeTokensRepository {
  constructor(@InjectRepository(OneTimeToken) private readonly tokens: Repository<OneTimeToken>) {}

  private repo(manager?: EntityManager): Repository<OneTimeToken> {
    return manager ? manager.getRepository(OneTimeToken) : this.tokens;
  }

  /**
   * Stores a new token and ends the owner's unused ones of the same purpose, under a lock
   * per owner and purpose so that of concurrent issues only the last one stays usable.
   */
  async replace(
    owner: { userId: string } | { waitlistEntryId: string },
    fields: Pick<OneTimeToken, 'purpose' | 'tokenHash' | 'payload' | 'expiresAt'>,
    manager?: EntityManager,
  ): Promise<void> {
    const run = async (m: EntityManager) => {
      const ownerId = 'userId' in owner ? owner.userId : owner.waitlistEntryId;
      await m.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        TOKEN_LOCK_NAMESPACE,
        `${ownerId}:${fields.purpose}`,
      ]);
      await this.invalidateUnused(owner, fields.purpose, m);
      await m.getRepository(OneTimeToken).insert({
        ...fields,
        userId: 'userId' in owner ? owner.userId : null,
        waitlistEntryId: 'waitlistEntryId' in owner ? owner.waitlistEntryId : null,
      });
    };
    await (manager ? run(manager) : this.tokens.manager.transaction(run));
  }

  /** Ends every unused token of this purpose for the user (or the waitlist entry). */
  async invalidateUnused(
    owner: { userId: string } | { waitlistEntryId: string },
    purpose: OneTimeTokenPurpose,
    manager?: EntityManager,
  ): Promise<void> {
    const [column, id] =
      'userId' in owner ? ['user_id', owner.userId] : ['waitlist_entry_id', owner.waitlistEntryId];
    await this.repo(manager)
      .createQueryBuilder()
      .update(OneTimeToken)
      .set({ usedAt: () => 'now()' })
      .where(`${column} = :id AND purpose = :purpose AND used_at IS NULL`, { id, purpose })
      .execute();
  }

  /** The token if it is unused and unexpired, without using it. */
  async findUsable(
    tokenHash: string,
    purpose: OneTimeTokenPurpose,
  ): Promise<OneTimeTokenGrant | null> {
    const rows: TokenRow[] = await this.tokens.query(
      `SELECT id, user_id, waitlist_entry_id, payload FROM auth_one_time_tokens
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
      [tokenHash, purpose],
    );
    return rows[0] ? toGrant(rows[0]) : null;
  }

  /** Marks the token used in one statement; null when it was unknown, used or expired. */
  async markUsed(
    tokenHash: string,
    purpose: OneTimeTokenPurpose,
    manager?: EntityManager,
  ): Promise<OneTimeTokenGrant | null> {
    const result = await this.repo(manager)
      .createQueryBuilder()
      .update(OneTimeToken)
      .set({ usedAt: () => 'now()' })
      .where('token_hash = :tokenHash AND purpose = :purpose', { tokenHash, purpose })
      .andWhere('used_at IS NULL AND expires_at > now()')
      .returning(['id', 'userId', 'waitlistEntryId', 'payload'])
      .execute();
    const rows = result.raw as TokenRow[];
    return rows[0] ? toGrant(rows[0]) : null;
  }

  async deleteForUser(userId: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(OneTimeToken).delete({ userId });
  }
}
