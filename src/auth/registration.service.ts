import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { AppException } from '../core/errors/app.exception.js';
import { UsersService } from '../users/users.service.js';
import { AccountMailer } from './account-mailer.service.js';
import { AccountsService } from './accounts.service.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { OneTimeTokenPurpose } from './entities/one-time-token.entity.js';
import { invalidOneTimeToken, OneTimeTokensService, sameEmail } from './one-time-tokens.service.js';
import { assertAcceptablePassword, hashPassword } from './passwords.js';
import { PasswordConfirmation } from './password-confirmation.service.js';
import type { Principal } from './principal.js';
import { isUniqueViolation } from './unique-violation.js';
import { WaitlistService } from './waitlist.service.js';

export interface Registration {
  email: string;
  password: string;
  displayName?: string;
}

/**
 * Sign-up by email and password, and email verification. The answer never says whether
 * the address already has an account: its owner gets a mail instead.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokensService,
    private readonly mailer: AccountMailer,
    private readonly waitlist: WaitlistService,
    private readonly confirmation: PasswordConfirmation,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register({ email, password, displayName }: Registration): Promise<void> {
    this.accounts.assertLocalAccounts();
    const mode = this.config.auth.registrationMode;
    if (mode === 'closed') {
      throw new AppException(403, AuthErrorCode.RegistrationClosed, 'Registration is closed.');
    }
    assertAcceptablePassword(password, email);
    if (mode === 'waitlist') return this.waitlist.join(email);

    // Hashed for known addresses too, so the time taken does not tell them apart.
    const passwordHash = await hashPassword(password);
    if (await this.users.findLocalByEmail(email)) return this.mailer.accountExists(email);
    let userId: string;
    try {
      const user = await this.users.createLocal({
        email,
        displayName: displayName ?? null,
        passwordHash,
        verified: false,
      });
      userId = user.id;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return this.mailer.accountExists(email); // registered concurrently
    }
    await this.sendVerification(userId, email);
  }

  /** Mails a new verification link to a local account (an administrator's action). */
  async sendVerificationFor(userId: string, email: string): Promise<void> {
    await this.sendVerification(userId, email);
  }

  async resendVerification(principal: Principal): Promise<void> {
    const user = await this.confirmation.localAccount(principal);
    if (user.emailVerifiedAt !== null) return;
    await this.sendVerification(user.id, user.email);
  }

  /** Marks the address verified, if it is still the one the link was sent to. */
  async verifyEmail(token: string): Promise<void> {
    const grant = await this.tokens.consume(OneTimeTokenPurpose.VerifyEmail, token);
    const user = grant.userId ? await this.users.findById(grant.userId) : null;
    if (!user?.email || !sameEmail(user.email, grant.payload.email)) throw invalidOneTimeToken();
    if (user.emailVerifiedAt === null)
      await this.users.update(user.id, { emailVerifiedAt: new Date() });
  }

  private async sendVerification(userId: string, email: string): Promise<void> {
    const token = await this.tokens.issue(OneTimeTokenPurpose.VerifyEmail, { userId }, { email });
    await this.mailer.verifyEmail(email, token);
  }
}
