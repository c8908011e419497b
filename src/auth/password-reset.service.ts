import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditAction, AuditTargetType } from '../audit/audit-actions.js';
import { AuditService } from '../audit/audit.service.js';
import { UserStatus } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AccountMailer } from './account-mailer.service.js';
import { AccountsService } from './accounts.service.js';
import { OneTimeTokenPurpose } from './entities/one-time-token.entity.js';
import { LoginThrottle } from './login-throttle.service.js';
import { invalidOneTimeToken, OneTimeTokensService, sameEmail } from './one-time-tokens.service.js';
import { assertAcceptablePassword, hashPassword } from './passwords.js';
import { SessionsService } from './sessions.service.js';

/**
 * Forgotten passwords: a reset link by mail (the answer is the same for unknown
 * addresses), and the reset itself, which ends every session of the account.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly tokens: OneTimeTokensService,
    private readonly throttle: LoginThrottle,
    private readonly mailer: AccountMailer,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async forgotPassword(email: string): Promise<void> {
    this.accounts.assertLocalAccounts();
    const user = await this.users.findLocalByEmail(email);
    if (!user?.email || user.status !== UserStatus.Active) return;
    const token = await this.tokens.issue(
      OneTimeTokenPurpose.ResetPassword,
      { userId: user.id },
      { email: user.email },
    );
    await this.mailer.resetPassword(user.email, token);
  }

  /** Mails a reset link to an active local account (an administrator's action). */
  async sendResetFor(userId: string, email: string): Promise<void> {
    const token = await this.tokens.issue(OneTimeTokenPurpose.ResetPassword, { userId }, { email });
    await this.mailer.resetPassword(email, token);
  }

  async resetPassword(token: string, password: string): Promise<void> {
    this.accounts.assertLocalAccounts();
    // Checked before the token is spent, so a refused password does not cost the link.
    const grant = await this.tokens.peek(OneTimeTokenPurpose.ResetPassword, token);
    const user = grant.userId ? await this.users.findById(grant.userId) : null;
    // A link mailed to an address the account no longer has is void.
    if (!user?.email || user.passwordHash === null || !sameEmail(user.email, grant.payload.email))
      throw invalidOneTimeToken();
    assertAcceptablePassword(password, user.email);
    const passwordHash = await hashPassword(password);

    await this.dataSource.transaction(async (m) => {
      const used = await this.tokens.consume(OneTimeTokenPurpose.ResetPassword, token, m);
      if (used.userId !== user.id) throw invalidOneTimeToken();
      await this.users.update(user.id, { passwordHash }, m);
      await this.sessions.revokeAll(user.id, 'password-reset', m);
      await this.users.revokeTokens(user.id, m);
      await this.audit.record(m, {
        action: AuditAction.PasswordReset,
        actorId: null,
        target: { type: AuditTargetType.User, id: user.id },
      });
    });
    await this.throttle.forgetAccount(user.email);
    await this.mailer.passwordChanged(user.email);
  }
}
