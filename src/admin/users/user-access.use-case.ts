import { Injectable } from '@nestjs/common';
import { AuditAction } from '../../audit/audit-actions.js';
import { SessionsService } from '../../auth/sessions.service.js';
import { UsersService } from '../../users/users.service.js';
import { KeycloakRealm } from '../keycloak/keycloak-realm.service.js';
import { auditSnapshot, isLocal, toAdminUserDto } from './admin-user.mapper.js';
import { AdminUsersRepository } from './admin-users.repository.js';
import type { AdminUserDto } from './dto/admin-user.dto.js';
import { UserChange } from './user-change.js';

/**
 * Disabling, enabling and forced sign-out. Disabling revokes every session and every
 * access token at once: the guard reads the user's status on each request (its cache is
 * dropped by the database's notification at commit), so the next request is refused.
 */
@Injectable()
export class UserAccessUseCase {
  constructor(
    private readonly change: UserChange,
    private readonly users: AdminUsersRepository,
    private readonly accounts: UsersService,
    private readonly sessions: SessionsService,
    private readonly realm: KeycloakRealm,
  ) {}

  async disable(actorId: string, userId: string): Promise<AdminUserDto> {
    this.change.notSelf(actorId, userId, 'disable');
    return this.change.run(actorId, userId, async (ctx) => {
      const { user, manager } = ctx;
      if (user.status === 'disabled') return toAdminUserDto(user);
      await this.change.keepsAnAdmin(ctx);
      if (!isLocal(user)) {
        if (!this.realm.configured) throw this.realm.notConfigured();
        await this.realm.setEnabled(user.subject, false);
      }
      await this.users.setStatus(manager, user.id, 'disabled');
      await this.sessions.revokeAll(user.id, 'disabled-by-admin', manager);
      const after = { ...user, status: 'disabled' as const };
      await ctx.audit({
        action: AuditAction.UserDisabled,
        before: auditSnapshot(user),
        after: auditSnapshot(after),
      });
      return toAdminUserDto(after);
    });
  }

  async enable(actorId: string, userId: string): Promise<AdminUserDto> {
    return this.change.run(actorId, userId, async (ctx) => {
      const { user, manager } = ctx;
      if (user.status === 'active') return toAdminUserDto(user);
      if (!isLocal(user)) {
        if (!this.realm.configured) throw this.realm.notConfigured();
        await this.realm.setEnabled(user.subject, true);
      }
      await this.users.setStatus(manager, user.id, 'active');
      const after = { ...user, status: 'active' as const };
      await ctx.audit({
        action: AuditAction.UserEnabled,
        before: auditSnapshot(user),
        after: auditSnapshot(after),
      });
      return toAdminUserDto(after);
    });
  }

  /** Ends every session and refuses every access token issued so far. */
  async signOut(actorId: string, userId: string): Promise<void> {
    await this.change.run(actorId, userId, async (ctx) => {
      const { user, manager } = ctx;
      if (!isLocal(user) && this.realm.configured) await this.realm.logout(user.subject);
      await this.sessions.revokeAll(user.id, 'signed-out-by-admin', manager);
      await this.accounts.revokeTokens(user.id, manager);
      await ctx.audit({ action: AuditAction.UserSignedOut, before: auditSnapshot(user) });
    });
  }
}
