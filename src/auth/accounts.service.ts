import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AuditAction, AuditTargetType } from '../audit/audit-actions.js';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { AppException } from '../core/errors/app.exception.js';
import { CoreErrorCode } from '../core/errors/error-codes.js';
import type { User } from '../users/user.entity.js';
import { UserStatus } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { DeviceTokens } from './device-tokens.service.js';
import type { LoginResultDto, MeDto, TokenPairDto } from './dto/auth.dto.js';
import { LoginThrottle, type SignInAttempt } from './login-throttle.service.js';
import { verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { unauthorized } from './principal.service.js';
import { SessionsService, type ClientInfo, type NewRefreshToken } from './sessions.service.js';
import { TokenIssuer } from './token-issuer.service.js';

/** Sign-in, refresh, sign-out and the caller's own profile. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly issuer: TokenIssuer,
    private readonly throttle: LoginThrottle,
    private readonly devices: DeviceTokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  assertLocalAccounts(): void {
    if (!this.config.auth.localAccounts) {
      throw new AppException(
        404,
        AuthErrorCode.LocalAccountsDisabled,
        'Local accounts are turned off (LOCAL_ACCOUNTS=false).',
      );
    }
  }

  async tokenPair(user: User, refresh: NewRefreshToken): Promise<TokenPairDto> {
    const access = await this.issuer.accessToken(user, refresh.sessionId);
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken: refresh.refreshToken,
      refreshTokenExpiresAt: refresh.refreshExpiresAt.toISOString(),
    };
  }

  /**
   * The same answer for an unknown email and a wrong password; failures are throttled
   * per device for a client with a valid device token of the account, else per account
   * and address. Returns the pair and a new device token for this client.
   */
  async login(
    email: string,
    password: string,
    client: ClientInfo,
    deviceTokens: (string | undefined)[] = [],
  ): Promise<LoginResultDto> {
    this.assertLocalAccounts();
    const user = await this.users.findLocalByEmail(email);
    const attempt: SignInAttempt = {
      email,
      ip: client.ip ?? 'unknown',
      device: user ? this.devices.firstValid(deviceTokens, user.id) : undefined,
    };
    const admission = await this.throttle.admit(attempt);
    if (admission.delayMs > 0) await sleep(admission.delayMs);
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !ok || user.status !== UserStatus.Active) {
      const locked = await this.throttle.recordFailure(attempt, admission);
      const target = user ? { type: AuditTargetType.User, id: user.id } : undefined;
      await this.audit.recordNow({
        action: AuditAction.SignInFailed,
        actorId: null,
        target,
        after: {
          email: email.toLowerCase(),
          reason: user && ok ? 'account-disabled' : 'credentials',
        },
      });
      if (locked.length > 0) {
        await this.audit.recordNow({
          action: AuditAction.Lockout,
          actorId: null,
          target,
          after: { email: email.toLowerCase(), locked },
        });
      }
      throw new AppException(
        401,
        AuthErrorCode.InvalidCredentials,
        'The email or password is wrong.',
      );
    }
    await this.throttle.recordSuccess(attempt, admission);
    const refresh = await this.dataSource.transaction(async (m) => {
      await this.users.update(user.id, { lastLoginAt: new Date() }, m);
      const started = await this.sessions.start(user.id, client, m);
      await this.audit.record(m, {
        action: AuditAction.SignIn,
        actorId: user.id,
        target: { type: AuditTargetType.User, id: user.id },
        after: { sessionId: started.sessionId, trustedDevice: admission.trusted },
      });
      return started;
    });
    const pair = await this.tokenPair(user, refresh);
    return { ...pair, deviceToken: this.devices.issue(user.id) };
  }

  async refresh(refreshToken: string): Promise<TokenPairDto> {
    this.assertLocalAccounts();
    const rotated = await this.sessions.rotate(refreshToken);
    const user = await this.users.findById(rotated.userId);
    if (!user || user.status !== UserStatus.Active) {
      await this.sessions.revoke(rotated.userId, rotated.sessionId, 'account-unavailable');
      throw unauthorized(
        AuthErrorCode.RefreshTokenInvalid,
        'The refresh token is invalid or expired.',
      );
    }
    return this.tokenPair(user, rotated);
  }

  async logout(principal: Principal, everywhere: boolean): Promise<void> {
    if (everywhere) {
      await this.sessions.revokeAll(principal.userId, 'logout-all');
      await this.users.revokeTokens(principal.userId);
    } else if (principal.sessionId) {
      await this.sessions.revoke(principal.userId, principal.sessionId, 'logout');
    }
  }

  /** The caller's account, from the principal (the guard just read it). */
  me(principal: Principal): MeDto {
    return {
      id: principal.userId,
      email: principal.email,
      emailVerified: principal.account.emailVerified,
      displayName: principal.name,
      roles: principal.roles,
      permissions: principal.permissions,
      localAccount: principal.account.localAccount,
      createdAt: principal.account.createdAt,
    };
  }

  private async reload(principal: Principal): Promise<MeDto> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new AppException(404, CoreErrorCode.NotFound, 'The account no longer exists.');
    return {
      id: user.id,
      email: user.email,
      emailVerified: user.emailVerifiedAt !== null,
      displayName: user.displayName,
      roles: principal.roles,
      permissions: principal.permissions,
      localAccount: user.passwordHash !== null,
      createdAt: user.createdAt.toISOString(),
    };
  }

  async updateMe(principal: Principal, fields: { displayName?: string }): Promise<MeDto> {
    if (fields.displayName !== undefined)
      await this.users.update(principal.userId, { displayName: fields.displayName });
    return this.reload(principal);
  }
}
