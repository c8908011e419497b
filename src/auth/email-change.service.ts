import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppException } from '../core/errors/app.exception.js';
import { UsersService } from '../users/users.service.js';
import { AccountMailer } from './account-mailer.service.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { OneTimeTokenPurpose } from './entities/one-time-token.entity.js';
import { invalidOneTimeToken, OneTimeTokensService } from './one-time-tokens.service.js';
import { PasswordConfirmation } from './password-confirmation.service.js';
import type { Principal } from './principal.js';
import type { ClientInfo } from './sessions.service.js';
import { isUniqueViolation } from './unique-violation.js';

/**
 * Changing the sign-in address: the new address gets a link, and the account changes
 * only when that link is confirmed (the address is then verified). Whether the new
 * address is taken is told only at confirmation, to the holder of the link.
 */
@Injectable()
export class EmailChangeService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokensService,
    private readonly confirmation: PasswordConfirmation,
    private readonly mailer: AccountMailer,
    private readonly dataSource: DataSource,
  ) {}

  async requestEmailChange(
    principal: Principal,
    newEmail: string,
    password: string,
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.confirmation.localAccount(principal);
    await this.confirmation.confirm(user, password, client);
    const email = newEmail.toLowerCase();
    const token = await this.tokens.issue(
      OneTimeTokenPurpose.EmailChange,
      { userId: user.id },
      { email },
    );
    await this.mailer.emailChange(email, token);
  }

  /**
   * Moves the account to the confirmed address (409 EMAIL_TAKEN, link kept, while another
   * account has it). Verification and reset links name the address they were mailed to,
   * so those sent to the previous address stop working.
   */
  async confirmEmailChange(token: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const grant = await this.tokens.consume(OneTimeTokenPurpose.EmailChange, token, m);
      const user = grant.userId ? await this.users.findById(grant.userId) : null;
      if (!user || user.passwordHash === null) throw invalidOneTimeToken();
      const email = grant.payload.email;
      const taken = await this.users.findLocalByEmail(email);
      if (taken && taken.id !== user.id) throw emailTaken();
      try {
        await this.users.update(user.id, { email, emailVerifiedAt: new Date() }, m);
      } catch (err) {
        throw isUniqueViolation(err) ? emailTaken() : err;
      }
    });
  }
}

function emailTaken(): AppException {
  return new AppException(
    409,
    AuthErrorCode.EmailTaken,
    'Another account already uses this email address.',
  );
}
