import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppException } from '../core/errors/app.exception.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { LoginThrottle } from './login-throttle.service.js';
import { verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import type { ClientInfo } from './sessions.service.js';

/** A local account: it has an email and a password. */
export type LocalUser = User & { email: string; passwordHash: string };

/**
 * Sensitive changes to a signed-in local account (password, email, deletion) need its
 * password again. Wrong guesses count towards the same throttle as sign-ins, so a stolen
 * access token cannot be used to guess the password.
 */
@Injectable()
export class PasswordConfirmation {
  constructor(
    private readonly users: UsersService,
    private readonly throttle: LoginThrottle,
  ) {}

  /** The caller's local account; 400 NOT_LOCAL_ACCOUNT for accounts of another issuer. */
  async localAccount(principal: Principal): Promise<LocalUser> {
    const user = await this.users.findById(principal.userId);
    if (!user || user.passwordHash === null || user.email === null) {
      throw new AppException(
        400,
        AuthErrorCode.NotLocalAccount,
        'This account signs in through another identity provider; change it there.',
      );
    }
    return user as LocalUser;
  }

  /**
   * Checks the account's password (401 INVALID_CREDENTIALS), throttled like a sign-in from
   * a client without a device token (per account and address).
   */
  async confirm(user: LocalUser, password: string, client: ClientInfo): Promise<void> {
    const attempt = { email: user.email, ip: client.ip ?? 'unknown' };
    const admission = await this.throttle.admit(attempt);
    if (admission.delayMs > 0) await sleep(admission.delayMs);
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.throttle.recordFailure(attempt, admission);
      throw new AppException(401, AuthErrorCode.InvalidCredentials, 'The password is wrong.');
    }
  }
}
