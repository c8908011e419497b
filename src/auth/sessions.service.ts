import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, IsNull, type EntityManager, type Repository } from 'typeorm';
import { AuditAction, AuditTargetType } from '../audit/audit-actions.js';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { CallerStateCache } from '../users/caller-state-cache.js';
import { AuthSession } from './entities/auth-session.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { unauthorized } from './principal.service.js';

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export interface NewRefreshToken {
  sessionId: string;
  refreshToken: string;
  refreshExpiresAt: Date;
}

export interface ClientInfo {
  userAgent?: string;
  ip?: string;
}

/**
 * Sign-in sessions and their refresh tokens: opaque, stored hashed, rotated on every use.
 * Presenting a used token again revokes the whole session (replay detection).
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');

  constructor(
    @InjectRepository(AuthSession) private readonly sessions: Repository<AuthSession>,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly callers: CallerStateCache,
    private readonly audit: AuditService,
  ) {}

  private async issueRefresh(
    manager: EntityManager,
    session: AuthSession,
  ): Promise<NewRefreshToken> {
    const refreshToken = randomBytes(32).toString('base64url');
    const idle = Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000;
    const refreshExpiresAt = new Date(Math.min(idle, session.expiresAt.getTime()));
    await manager.getRepository(RefreshToken).insert({
      sessionId: session.id,
      tokenHash: sha256(refreshToken),
      expiresAt: refreshExpiresAt,
    });
    return { sessionId: session.id, refreshToken, refreshExpiresAt };
  }

  async start(
    userId: string,
    client: ClientInfo,
    manager?: EntityManager,
  ): Promise<NewRefreshToken> {
    const run = async (m: EntityManager) => {
      const session = m.getRepository(AuthSession).create({
        id: randomUUID(),
        userId,
        expiresAt: new Date(Date.now() + this.config.auth.sessionMaxAgeSeconds * 1000),
        userAgent: client.userAgent?.slice(0, 300) ?? null,
        ipAddress: client.ip?.slice(0, 64) ?? null,
        lastUsedAt: new Date(),
      });
      await m.getRepository(AuthSession).insert(session);
      return this.issueRefresh(m, session);
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  /** Exchanges a refresh token for a new one; returns the session's user. */
  async rotate(presented: string): Promise<NewRefreshToken & { userId: string }> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const token = await m
        .getRepository(RefreshToken)
        .createQueryBuilder('t')
        .setLock('pessimistic_write')
        .where('t.token_hash = :hash', { hash: sha256(presented) })
        .getOne();
      if (!token) return { error: AuthErrorCode.RefreshTokenInvalid } as const;
      const session = await m
        .getRepository(AuthSession)
        .createQueryBuilder('s')
        .setLock('pessimistic_write')
        .where('s.id = :id', { id: token.sessionId })
        .getOne();
      if (!session || session.revokedAt || session.expiresAt <= new Date()) {
        return { error: AuthErrorCode.RefreshTokenInvalid } as const;
      }
      if (token.usedAt) {
        this.callers.changing(session.userId);
        await m
          .getRepository(AuthSession)
          .update(
            { id: session.id },
            { revokedAt: new Date(), revokedReason: 'refresh-token-reuse' },
          );
        await this.audit.record(m, {
          action: AuditAction.RefreshTokenReplayed,
          actorId: null,
          target: { type: AuditTargetType.Session, id: session.id },
          after: { userId: session.userId, sessionRevoked: true },
        });
        return { error: AuthErrorCode.RefreshTokenReused, sessionId: session.id } as const;
      }
      if (token.expiresAt <= new Date())
        return { error: AuthErrorCode.RefreshTokenInvalid } as const;
      await m.getRepository(RefreshToken).update({ id: token.id }, { usedAt: new Date() });
      await m.getRepository(AuthSession).update({ id: session.id }, { lastUsedAt: new Date() });
      return { ok: { ...(await this.issueRefresh(m, session)), userId: session.userId } } as const;
    });
    if ('ok' in outcome && outcome.ok) return outcome.ok;
    if ('error' in outcome && outcome.error === AuthErrorCode.RefreshTokenReused) {
      this.logger.warn({
        msg: 'refresh token replayed: session revoked',
        sessionId: outcome.sessionId,
      });
      throw unauthorized(
        outcome.error,
        'This refresh token was already used; the session has been ended.',
      );
    }
    throw unauthorized(
      AuthErrorCode.RefreshTokenInvalid,
      'The refresh token is invalid or expired.',
    );
  }

  async revoke(userId: string, sessionId: string, reason: string): Promise<void> {
    this.callers.changing(userId);
    await this.sessions.update(
      { id: sessionId, userId, revokedAt: IsNull() },
      { revokedAt: new Date(), revokedReason: reason },
    );
  }

  async revokeAll(userId: string, reason: string, manager?: EntityManager): Promise<void> {
    this.callers.changing(userId);
    await (manager ? manager.getRepository(AuthSession) : this.sessions).update(
      { userId, revokedAt: IsNull() },
      { revokedAt: new Date(), revokedReason: reason },
    );
  }

  /** Deletes every session of the user and their refresh tokens (account deletion). */
  async deleteAll(userId: string, manager: EntityManager): Promise<void> {
    this.callers.changing(userId);
    await manager
      .getRepository(RefreshToken)
      .createQueryBuilder()
      .delete()
      .where('session_id IN (SELECT id FROM auth_sessions WHERE user_id = :userId)', { userId })
      .execute();
    await manager.getRepository(AuthSession).delete({ userId });
  }
}
