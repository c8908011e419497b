import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { AppException } from '../core/errors/app.exception.js';
import { UsersService } from '../users/users.service.js';
import { AccountMailer } from './account-mailer.service.js';
import { AccountsService } from './accounts.service.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { WaitlistStatus } from './entities/waitlist-entry.entity.js';
import { WaitlistRepository } from './waitlist.repository.js';

/**
 * Joining the waitlist. Idempotent, and the answer is the same for every address: an
 * existing account gets an account-exists mail, a listed address nothing new.
 */
@Injectable()
export class WaitlistService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly entries: WaitlistRepository,
    private readonly mailer: AccountMailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** POST /auth/waitlist: open unless registration is closed. */
  async requestAccess(email: string): Promise<void> {
    this.accounts.assertLocalAccounts();
    if (this.config.auth.registrationMode === 'closed') {
      throw new AppException(403, AuthErrorCode.RegistrationClosed, 'Registration is closed.');
    }
    await this.join(email);
  }

  async join(email: string): Promise<void> {
    if (await this.users.findLocalByEmail(email)) return this.mailer.accountExists(email);
    if (await this.entries.insertIfAbsent(email)) return this.mailer.waitlistJoined(email);
    const entry = await this.entries.findByEmail(email);
    // Still waiting: confirm again. Decided entries get nothing new.
    if (entry?.status === WaitlistStatus.Pending) await this.mailer.waitlistJoined(email);
  }
}
