import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { AppException } from '../core/errors/app.exception.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { LoginAttempt } from './entities/login-attempt.entity.js';

export const ACCOUNT_FREE_FAILURES = 5;
export const ADDRESS_FREE_FAILURES = 20;
const WINDOW_MS = 15 * 60_000;
const BASE_LOCK_MS = 30_000;
/** A lockout never lasts longer than this, so an attacker cannot lock a victim out for good. */
export const MAX_LOCK_MS = 15 * 60_000;

/**
 * Failed sign-ins are counted per account and per client address. Past the free
 * failures each further one locks the key for an exponentially longer time, capped
 * at 15 minutes; a success clears the account's count.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @InjectRepository(LoginAttempt) private readonly attempts: Repository<LoginAttempt>,
  ) {}

  private keys(email: string, ip: string): { key: string; free: number }[] {
    return [
      { key: `account:${email.toLowerCase()}`, free: ACCOUNT_FREE_FAILURES },
      { key: `ip:${ip}`, free: ADDRESS_FREE_FAILURES },
    ];
  }

  async assertAllowed(email: string, ip: string): Promise<void> {
    const rows = await this.attempts
      .createQueryBuilder('a')
      .where('a.key IN (:...keys)', { keys: this.keys(email, ip).map((k) => k.key) })
      .andWhere('a.locked_until > now()')
      .getMany();
    const until = Math.max(0, ...rows.map((r) => r.lockedUntil!.getTime()));
    if (until > Date.now()) {
      const seconds = Math.ceil((until - Date.now()) / 1000);
      throw new AppException(
        429,
        AuthErrorCode.TooManyAttempts,
        `Too many failed sign-ins; try again in ${seconds} s.`,
        {
          headers: { 'retry-after': String(seconds) },
        },
      );
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    for (const { key, free } of this.keys(email, ip)) {
      await this.attempts.query(
        `INSERT INTO auth_login_attempts (key, failures, window_started_at, locked_until)
         VALUES ($1, 1, now(), NULL)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN auth_login_attempts.window_started_at < now() - make_interval(secs => $2::float / 1000)
                           THEN 1 ELSE auth_login_attempts.failures + 1 END,
           window_started_at = CASE WHEN auth_login_attempts.window_started_at < now() - make_interval(secs => $2::float / 1000)
                           THEN now() ELSE auth_login_attempts.window_started_at END`,
        [key, WINDOW_MS],
      );
      await this.attempts.query(
        `UPDATE auth_login_attempts
            SET locked_until = now() + make_interval(secs => LEAST($3::float, $4::float * power(2, failures - $2 - 1)) / 1000)
          WHERE key = $1 AND failures > $2`,
        [key, free, MAX_LOCK_MS, BASE_LOCK_MS],
      );
    }
  }

  async recordSuccess(email: string): Promise<void> {
    await this.attempts.delete({ key: `account:${email.toLowerCase()}` });
  }

  /** Forgets the account's failures inside a transaction (account deletion). */
  async forgetAccount(email: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(LoginAttempt).delete({ key: `account:${email.toLowerCase()}` });
  }
}
