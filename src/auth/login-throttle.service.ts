import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { EntityManager, Repository } from 'typeorm';
import { AppException } from '../core/errors/app.exception.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { LoginAttempt } from './entities/login-attempt.entity.js';

/** Failures of one account from one address before that pair is locked out. */
export const ACCOUNT_ADDRESS_FREE_FAILURES = 5;
/** Failures from one address, across accounts, before the address is locked out. */
export const ADDRESS_FREE_FAILURES = 20;
/** Failures from one trusted device before the device is locked out. */
export const DEVICE_FREE_FAILURES = 5;
/** Failures of one account from anywhere before its untrusted sign-ins are slowed down. */
export const ACCOUNT_SLOWDOWN_AFTER = 10;
/** The slow-down never exceeds this: an account is never locked by someone else's failures. */
export const MAX_ACCOUNT_DELAY_MS = 2_000;
const WINDOW_MS = 15 * 60_000;
const BASE_LOCK_MS = 30_000;
/** A lockout never lasts longer than this, so an attacker cannot lock a victim out for good. */
export const MAX_LOCK_MS = 15 * 60_000;

export interface SignInAttempt {
  email: string;
  ip: string;
  /** Nonce of a valid device token of this account, when the client presented one. */
  device?: string;
}

/** How a sign-in attempt is let through: trusted (its device) or not, and how slowly. */
export interface Admission {
  trusted: boolean;
  delayMs: number;
}

interface Counter {
  key: string;
  account: string | null;
  /** Failures past which each further one locks the key; null = never locks. */
  lockAfter: number | null;
}

/** Delay before an untrusted sign-in of an account with this many recent failures. */
export function accountDelayMs(failures: number): number {
  if (failures < ACCOUNT_SLOWDOWN_AFTER) return 0;
  return Math.min(MAX_ACCOUNT_DELAY_MS, 250 * 2 ** (failures - ACCOUNT_SLOWDOWN_AFTER));
}

/** An address as a bounded key part (anything that is not a plain IP address is hashed). */
const addressPart = (ip: string): string =>
  isIP(ip) && ip.length <= 45
    ? ip
    : `h:${createHash('sha256').update(ip).digest('hex').slice(0, 32)}`;

/**
 * Failed sign-ins, after OWASP's device-cookie scheme. A client that presents a valid
 * device token of the account is counted and locked out per device, so an attacker's
 * failures never block the owner's known device. Other clients are locked out per
 * account and address, and per address across accounts; the account as a whole only
 * slows down (a bounded delay), so failures from one address never lock the owner out
 * at another. Past the free failures each further one locks the key for an
 * exponentially longer time, capped at 15 minutes.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @InjectRepository(LoginAttempt) private readonly attempts: Repository<LoginAttempt>,
  ) {}

  private deviceKey(attempt: SignInAttempt): Counter {
    return {
      key: `device:${attempt.device}`,
      account: attempt.email.toLowerCase(),
      lockAfter: DEVICE_FREE_FAILURES,
    };
  }

  private untrustedKeys(attempt: SignInAttempt): {
    address: Counter;
    accountAddress: Counter;
    account: Counter;
  } {
    const email = attempt.email.toLowerCase();
    const ip = addressPart(attempt.ip);
    return {
      address: { key: `ip:${ip}`, account: null, lockAfter: ADDRESS_FREE_FAILURES },
      accountAddress: {
        key: `account:${email}|ip:${ip}`,
        account: email,
        lockAfter: ACCOUNT_ADDRESS_FREE_FAILURES,
      },
      account: { key: `account:${email}`, account: email, lockAfter: null },
    };
  }

  /**
   * Lets the attempt through (with the delay the caller must wait before checking the
   * password) or refuses it with 429 TOO_MANY_ATTEMPTS and Retry-After.
   */
  async admit(attempt: SignInAttempt): Promise<Admission> {
    const untrusted = this.untrustedKeys(attempt);
    const device = attempt.device ? this.deviceKey(attempt) : undefined;
    const keys = [untrusted.address, untrusted.accountAddress, untrusted.account, device]
      .filter((k): k is Counter => k !== undefined)
      .map((k) => k.key);
    const rows: { key: string; failures: number; locked_for: number }[] = await this.attempts.query(
      `SELECT key,
                CASE WHEN window_started_at > now() - make_interval(secs => $2::float / 1000)
                     THEN failures ELSE 0 END AS failures,
                COALESCE(ceil(extract(epoch FROM locked_until - now())), 0)::int AS locked_for
           FROM auth_login_attempts
          WHERE key = ANY($1)`,
      [keys, WINDOW_MS],
    );
    const row = (counter: Counter | undefined) => rows.find((r) => r.key === counter?.key);
    // OWASP: a valid device token that is not locked out skips the untrusted lockouts; a
    // locked-out one is treated like no token at all.
    if (device && (row(device)?.locked_for ?? 0) <= 0) return { trusted: true, delayMs: 0 };
    const seconds = Math.max(
      0,
      row(untrusted.address)?.locked_for ?? 0,
      row(untrusted.accountAddress)?.locked_for ?? 0,
    );
    if (seconds > 0) {
      throw new AppException(
        429,
        AuthErrorCode.TooManyAttempts,
        `Too many failed sign-ins; try again in ${seconds} s.`,
        { headers: { 'retry-after': String(seconds) } },
      );
    }
    return { trusted: false, delayMs: accountDelayMs(row(untrusted.account)?.failures ?? 0) };
  }

  /** Counts the failure; returns the keys this failure locked out (empty: none). */
  async recordFailure(attempt: SignInAttempt, admission: Admission): Promise<string[]> {
    const counters = admission.trusted
      ? [this.deviceKey(attempt)]
      : Object.values(this.untrustedKeys(attempt));
    const locked: string[] = [];
    for (const counter of counters) {
      if (await this.countFailure(counter)) locked.push(counter.key.split(':')[0]);
    }
    return locked;
  }

  /** One upsert per key: a new window, or one more failure and, past the free ones, a lock. */
  private async countFailure({ key, account, lockAfter }: Counter): Promise<boolean> {
    const stale = `a.window_started_at <= now() - make_interval(secs => $4::float / 1000)`;
    const failures = `(CASE WHEN ${stale} THEN 1 ELSE a.failures + 1 END)`;
    const rows: { locked: boolean }[] = await this.attempts.query(
      `INSERT INTO auth_login_attempts AS a (key, account, failures, window_started_at, locked_until)
       VALUES ($1, $2, 1, now(), NULL)
       ON CONFLICT (key) DO UPDATE SET
         account = EXCLUDED.account,
         failures = ${failures},
         window_started_at = CASE WHEN ${stale} THEN now() ELSE a.window_started_at END,
         locked_until = CASE
           WHEN $3::int IS NOT NULL AND ${failures} > $3::int
           THEN now() + make_interval(secs => LEAST($5::float, $6::float * power(2, ${failures} - $3::int - 1)) / 1000)
           ELSE a.locked_until END
       RETURNING (a.locked_until IS NOT NULL AND a.locked_until > now()) AS locked`,
      [key, account, lockAfter, WINDOW_MS, MAX_LOCK_MS, BASE_LOCK_MS],
    );
    return rows[0]?.locked === true;
  }

  /**
   * A correct password clears this client's own count: its device's, or (without a
   * device token) the account's from this address. A known device's success leaves the
   * address alone, so it never lifts the lockout of someone else behind the same address;
   * the address's count and the account's slow-down run out by themselves.
   */
  async recordSuccess(attempt: SignInAttempt, admission: Admission): Promise<void> {
    const key = admission.trusted
      ? this.deviceKey(attempt).key
      : this.untrustedKeys(attempt).accountAddress.key;
    await this.attempts.delete({ key });
  }

  /** Forgets every count of the account (password reset; account deletion in its transaction). */
  async forgetAccount(email: string, manager?: EntityManager): Promise<void> {
    await (manager ? manager.getRepository(LoginAttempt) : this.attempts).delete({
      account: email.toLowerCase(),
    });
  }
}
