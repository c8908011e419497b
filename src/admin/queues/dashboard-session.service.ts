import { Inject, Injectable } from '@nestjs/common';
import { parseCookie, stringifySetCookie } from 'cookie';
import { DataSource } from 'typeorm';
import { AuditAction, AuditTargetType } from '../../audit/audit-actions.js';
import { AuditService } from '../../audit/audit.service.js';
import type { Principal } from '../../auth/principal.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { SecretCipher } from '../../core/crypto/secret-cipher.js';

export const DASHBOARD_PATH = '/admin/queues';
export const DASHBOARD_COOKIE = 'meridian_queues';
export const DASHBOARD_SESSION_SECONDS = 3600;
/** The cookie is sealed for this purpose only: no other route accepts it. */
const PURPOSE = 'meridian:queues-dashboard';

interface Seal {
  /** user id */
  u: string;
  /** issued at, expires at (seconds) */
  iat: number;
  exp: number;
}

/**
 * The queues dashboard's session: a browser cannot send a bearer header, so an admin
 * trades their token for a cookie sealed (AES-GCM, ENCRYPTION_KEYS) for the dashboard
 * alone, valid at most an hour, scoped to /admin/queues. Every dashboard request checks
 * the seal, and that the user is still an active admin whose tokens were not revoked.
 */
@Injectable()
export class DashboardSessions {
  constructor(
    private readonly cipher: SecretCipher,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async open(principal: Principal): Promise<{ cookie: string; expiresAt: string }> {
    const now = Math.floor(Date.now() / 1000);
    const seal: Seal = { u: principal.userId, iat: now, exp: now + DASHBOARD_SESSION_SECONDS };
    const value = this.cipher.encrypt(JSON.stringify(seal), PURPOSE);
    await this.audit.recordNow({
      action: AuditAction.QueuesSessionOpened,
      actorId: principal.userId,
      target: { type: AuditTargetType.User, id: principal.userId },
    });
    return {
      cookie: stringifySetCookie({
        name: DASHBOARD_COOKIE,
        value,
        httpOnly: true,
        secure: this.config.publicUrl.startsWith('https:'),
        sameSite: 'strict',
        path: DASHBOARD_PATH,
        maxAge: DASHBOARD_SESSION_SECONDS,
      }),
      expiresAt: new Date(seal.exp * 1000).toISOString(),
    };
  }

  /** Whether a Cookie header carries a valid dashboard session of an active admin. */
  async admits(cookieHeader: string | undefined): Promise<boolean> {
    if (!cookieHeader) return false;
    let seal: Seal;
    try {
      const value = parseCookie(cookieHeader)[DASHBOARD_COOKIE];
      if (!value) return false;
      seal = JSON.parse(this.cipher.decrypt(value, PURPOSE)) as Seal;
    } catch {
      return false;
    }
    if (typeof seal.u !== 'string' || typeof seal.exp !== 'number' || seal.exp * 1000 < Date.now())
      return false;
    const rows: { ok: boolean }[] = await this.dataSource.query(
      `SELECT (status = 'active' AND 'admin' = ANY(roles)
               AND (tokens_valid_after IS NULL OR tokens_valid_after <= to_timestamp($2))) AS ok
         FROM users WHERE id = $1::uuid`,
      [seal.u, seal.iat],
    );
    return rows[0]?.ok === true;
  }
}
