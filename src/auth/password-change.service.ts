import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditAction, AuditTargetType } from '../audit/audit-actions.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../users/users.service.js';
import { AccountMailer } from './account-mailer.service.js';
import { AccountsService } from './accounts.service.js';
import type { TokenPairDto } from './dto/auth.dto.js';
import { assertAcceptablePassword, hashPassword } from './passwords.js';
import { PasswordConfirmation } from './password-confirmation.service.js';
import type { Principal } from './principal.js';
import { SessionsService, type ClientInfo } from './sessions.service.js';

/**
 * A signed-in user sets a new password: the current one is required, every session ends
 * (this one too) and this client gets a fresh token pair in a new session.
 */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly confirmation: PasswordConfirmation,
    private readonly mailer: AccountMailer,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    client: ClientInfo,
  ): Promise<TokenPairDto> {
    const user = await this.confirmation.localAccount(principal);
    assertAcceptablePassword(newPassword, user.email);
    await this.confirmation.confirm(user, currentPassword, client);
    const passwordHash = await hashPassword(newPassword);

    const refresh = await this.dataSource.transaction(async (m) => {
      await this.users.update(user.id, { passwordHash }, m);
      await this.sessions.revokeAll(user.id, 'password-change', m);
      await this.users.revokeTokens(user.id, m);
      await this.audit.record(m, {
        action: AuditAction.PasswordChanged,
        actorId: user.id,
        target: { type: AuditTargetType.User, id: user.id },
      });
      return this.sessions.start(user.id, client, m);
    });
    await this.mailer.passwordChanged(user.email);
    return this.accounts.tokenPair({ ...user, passwordHash }, refresh);
  }
}
