import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditAction, AuditTargetType } from '../audit/audit-actions.js';
import { AuditService } from '../audit/audit.service.js';
import { UserDeletionHooks } from '../users/user-deletion-hooks.js';
import { UsersService } from '../users/users.service.js';
import { LoginThrottle } from './login-throttle.service.js';
import { OneTimeTokensService } from './one-time-tokens.service.js';
import { PasswordConfirmation } from './password-confirmation.service.js';
import type { Principal } from './principal.js';
import { SessionsService, type ClientInfo } from './sessions.service.js';
import { WaitlistRepository } from './waitlist.repository.js';

/**
 * A user deletes their own local account, confirmed by password. In one transaction every
 * feature's deletion hook runs, the account's sign-in state goes (the auth tables have no
 * foreign keys to users) and the user row is deleted; any failure keeps the account.
 */
@Injectable()
export class AccountDeletionService {
  private readonly logger = new Logger('Accounts');

  constructor(
    private readonly users: UsersService,
    private readonly hooks: UserDeletionHooks,
    private readonly tokens: OneTimeTokensService,
    private readonly waitlist: WaitlistRepository,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    private readonly confirmation: PasswordConfirmation,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async deleteAccount(principal: Principal, password: string, client: ClientInfo): Promise<void> {
    const user = await this.confirmation.localAccount(principal);
    await this.confirmation.confirm(user, password, client);
    const features = await this.dataSource.transaction(async (m) => {
      const names = await this.deleteWithin(user.id, user.email, m);
      await this.audit.record(m, {
        action: AuditAction.AccountDeleted,
        actorId: user.id,
        target: { type: AuditTargetType.User, id: user.id },
        before: { email: user.email },
        after: { by: 'self', features: names },
      });
      return names;
    });
    this.logger.log({ msg: 'account deleted by its user', userId: user.id, features });
  }

  /**
   * Deletes the account inside the caller's transaction: every feature's hook, the
   * sign-in state, then the user row. Returns the features that took part.
   */
  async deleteWithin(userId: string, email: string | null, m: EntityManager): Promise<string[]> {
    const names = await this.hooks.run(userId, m);
    await this.deleteSignInState(userId, email, m);
    await this.users.delete(userId, m);
    return names;
  }

  private async deleteSignInState(
    userId: string,
    email: string | null,
    m: EntityManager,
  ): Promise<void> {
    await this.sessions.deleteAll(userId, m);
    await this.tokens.deleteForUser(userId, m);
    await this.waitlist.deleteForUser(userId, m);
    if (email) await this.throttle.forgetAccount(email, m);
  }
}
