import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { UsersRepository, type CallerState } from './users.repository.js';
import { CallerStateCache } from './caller-state-cache.js';
import { User, UserStatus } from './user.entity.js';

/** The issuer column of local accounts (tokens carry PUBLIC_URL as iss). */
export const LOCAL_ISSUER_KEY = 'meridian:local';

/** A user's last-seen time is written at most this often per replica. */
export const SEEN_RESOLUTION_MS = 5 * 60_000;
const MAX_SEEN_ENTRIES = 50_000;

export interface IssuerIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  emailVerified: boolean;
}

/** Users as every feature sees them: local accounts and people provisioned from an issuer. */
@Injectable()
export class UsersService {
  private readonly logger = new Logger('Users');
  /** When this replica last wrote each user's last-seen time (ms) and on which UTC day. */
  private readonly seen = new Map<string, { at: number; day: string }>();

  constructor(
    private readonly users: UsersRepository,
    private readonly callers: CallerStateCache,
  ) {}

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  findLocalByEmail(email: string): Promise<User | null> {
    return this.users.findLocalByEmail(email.toLowerCase());
  }

  /** Among local accounts and provisioned users (a local account wins a shared address). */
  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(email.toLowerCase());
  }

  /**
   * Notes an authenticated request of the user (last-seen time and daily activity), at
   * most once per SEEN_RESOLUTION_MS and once per UTC day, without delaying the request.
   */
  noteSeen(id: string, now = Date.now()): void {
    const day = new Date(now).toISOString().slice(0, 10);
    const last = this.seen.get(id);
    if (last && last.day === day && now - last.at < SEEN_RESOLUTION_MS) return;
    if (this.seen.size >= MAX_SEEN_ENTRIES) this.seen.clear();
    this.seen.set(id, { at: now, day });
    this.users.touchSeen(id).catch((err: unknown) => {
      this.seen.delete(id);
      this.logger.debug(`last-seen time not written: ${String(err)}`);
    });
  }

  callerState(issuer: string, subject: string, sessionId?: string): Promise<CallerState | null> {
    return this.users.findCallerState(issuer, subject, sessionId);
  }

  /** Provisioning on first sight by (issuer, subject); email and name kept in sync. */
  provision(identity: IssuerIdentity): Promise<string> {
    return this.users.upsertFromIssuer(
      randomUUID(),
      identity.issuer,
      identity.subject,
      identity.email?.toLowerCase() ?? null,
      identity.name,
      identity.emailVerified,
    );
  }

  /**
   * A local account: its subject is its own id, under a fixed issuer key rather than
   * the built-in issuer's URL, so changing PUBLIC_URL keeps every account.
   */
  async createLocal(
    fields: {
      email: string;
      displayName: string | null;
      passwordHash: string;
      verified: boolean;
      roles?: string[];
    },
    manager?: EntityManager,
  ): Promise<User> {
    const id = randomUUID();
    const user = this.users.create({
      id,
      issuer: LOCAL_ISSUER_KEY,
      subject: id,
      email: fields.email.toLowerCase(),
      displayName: fields.displayName,
      passwordHash: fields.passwordHash,
      emailVerifiedAt: fields.verified ? new Date() : null,
      roles: fields.roles ?? [],
      status: UserStatus.Active,
    });
    return this.users.save(user, manager);
  }

  update(
    id: string,
    fields: Parameters<UsersRepository['update']>[1],
    manager?: EntityManager,
  ): Promise<void> {
    this.callers.changing(id);
    return this.users.update(id, fields, manager);
  }

  /** Makes every access token issued until now invalid. */
  revokeTokens(id: string, manager?: EntityManager): Promise<void> {
    this.callers.changing(id);
    return this.users.update(id, { tokensValidAfter: new Date() }, manager);
  }

  delete(id: string, manager: EntityManager): Promise<void> {
    this.callers.changing(id);
    return this.users.delete(id, manager);
  }
}
