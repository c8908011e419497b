import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { User, UserStatus } from './user.entity.js';

/** What the guard needs about a caller on every request, in one round trip. */
export interface CallerState {
  id: string;
  status: UserStatus;
  roles: string[];
  email: string | null;
  displayName: string | null;
  tokensValidAfter: Date | null;
  sessionRevoked: boolean | null;
  emailVerified: boolean;
  localAccount: boolean;
  /** ISO 8601, UTC. */
  createdAt: string;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findLocalByEmail(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .where('u.email = :email AND u.password_hash IS NOT NULL', { email })
      .getOne();
  }

  /**
   * The user with this email: the local account if there is one, else a user provisioned
   * from an issuer (verified addresses first, then the oldest).
   */
  findByEmail(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .where('u.email = :email', { email })
      .orderBy('CASE WHEN u.password_hash IS NOT NULL THEN 0 ELSE 1 END', 'ASC')
      .addOrderBy('CASE WHEN u.email_verified_at IS NOT NULL THEN 0 ELSE 1 END', 'ASC')
      .addOrderBy('u.created_at', 'ASC')
      .getOne();
  }

  async findCallerState(
    issuer: string,
    subject: string,
    sessionId?: string,
  ): Promise<CallerState | null> {
    const rows: {
      id: string;
      status: UserStatus;
      roles: string[];
      email: string | null;
      display_name: string | null;
      tokens_valid_after: Date | null;
      session_revoked: boolean | null;
      email_verified: boolean;
      local_account: boolean;
      created_at: Date;
    }[] = await this.users.query(
      `SELECT u.id, u.status, u.roles, u.email, u.display_name, u.tokens_valid_after,
              u.email_verified_at IS NOT NULL AS email_verified,
              u.password_hash IS NOT NULL AS local_account, u.created_at,
              CASE WHEN $3::uuid IS NULL THEN NULL
                   ELSE NOT EXISTS (SELECT 1 FROM auth_sessions s WHERE s.id = $3::uuid AND s.user_id = u.id
                                      AND s.revoked_at IS NULL AND s.expires_at > now()) END AS session_revoked
         FROM users u WHERE u.issuer = $1 AND u.subject = $2`,
      [issuer, subject, sessionId ?? null],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      status: r.status,
      roles: r.roles,
      email: r.email,
      displayName: r.display_name,
      tokensValidAfter: r.tokens_valid_after,
      sessionRevoked: r.session_revoked,
      emailVerified: r.email_verified,
      localAccount: r.local_account,
      createdAt: r.created_at.toISOString(),
    };
  }

  /** Inserts or refreshes a user seen in an issuer's token; returns its id. */
  async upsertFromIssuer(
    id: string,
    issuer: string,
    subject: string,
    email: string | null,
    displayName: string | null,
    emailVerified: boolean,
  ): Promise<string> {
    const rows: { id: string }[] = await this.users.query(
      `INSERT INTO users (id, issuer, subject, email, display_name, email_verified_at)
       VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END)
       ON CONFLICT (issuer, subject) DO UPDATE
         SET email = EXCLUDED.email, display_name = EXCLUDED.display_name,
             email_verified_at = CASE WHEN $6 THEN COALESCE(users.email_verified_at, now()) END,
             updated_at = now()
       RETURNING id`,
      [id, issuer, subject, email, displayName, emailVerified],
    );
    return rows[0].id;
  }

  save(user: User, manager?: EntityManager): Promise<User> {
    return (manager ? manager.getRepository(User) : this.users).save(user);
  }

  create(fields: Partial<User>): User {
    return this.users.create(fields);
  }

  async update(
    id: string,
    fields: Partial<
      Pick<
        User,
        | 'displayName'
        | 'email'
        | 'emailVerifiedAt'
        | 'passwordHash'
        | 'status'
        | 'tokensValidAfter'
        | 'lastLoginAt'
        | 'roles'
      >
    >,
    manager?: EntityManager,
  ): Promise<void> {
    await (manager ? manager.getRepository(User) : this.users).update({ id }, fields);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(User).delete({ id });
  }

  /** Records an authenticated request: last-seen time and the day's activity row. */
  async touchSeen(id: string): Promise<void> {
    await this.users.query(
      `WITH seen AS (UPDATE users SET last_seen_at = now() WHERE id = $1 RETURNING id)
       INSERT INTO user_activity_days (day, user_id)
       SELECT (now() AT TIME ZONE 'UTC')::date, id FROM seen
       ON CONFLICT DO NOTHING`,
      [id],
    );
  }

  countAdmins(): Promise<number> {
    return this.users.createQueryBuilder('u').where(`'admin' = ANY(u.roles)`).getCount();
  }
}
