import { Inject, Injectable } from '@nestjs/common';
import { AuditAction } from '../../audit/audit-actions.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../core/errors/app.exception.js';
import { AdminErrorCode } from '../admin.errors.js';
import { KeycloakRealm } from '../keycloak/keycloak-realm.service.js';
import { auditSnapshot, isLocal, toAdminUserDto } from './admin-user.mapper.js';
import { AdminUsersRepository } from './admin-users.repository.js';
import type { AdminUserDto } from './dto/admin-user.dto.js';
import { UserChange } from './user-change.js';

/** Grants and revokes Meridian roles; for Keycloak users, as realm role mappings first. */
@Injectable()
export class UserRolesUseCase {
  constructor(
    private readonly change: UserChange,
    private readonly users: AdminUsersRepository,
    private readonly realm: KeycloakRealm,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `admin`, `premium` and every role ROLE_PERMISSIONS names. */
  grantableRoles(): string[] {
    return [
      ...new Set(['admin', 'premium', ...Object.keys(this.config.auth.rolePermissions)]),
    ].sort();
  }

  private assertGrantable(role: string): void {
    if (!this.grantableRoles().includes(role)) {
      throw new AppException(
        400,
        AdminErrorCode.UnknownRole,
        `"${role}" is not a role Meridian grants; use one of: ${this.grantableRoles().join(', ')}.`,
      );
    }
  }

  async grant(actorId: string, userId: string, role: string): Promise<AdminUserDto> {
    this.assertGrantable(role);
    return this.change.run(actorId, userId, async (ctx) => {
      const { user, manager } = ctx;
      if (user.roles.includes(role)) return toAdminUserDto(user);
      if (!isLocal(user)) {
        if (!this.realm.configured) throw this.realm.notConfigured();
        await this.realm.grantRealmRole(user.subject, role);
      }
      const roles = [...user.roles, role].sort();
      await this.users.setRoles(manager, user.id, roles);
      await ctx.audit({
        action: AuditAction.UserRoleGranted,
        before: auditSnapshot(user),
        after: { ...auditSnapshot(user), roles, role },
      });
      return toAdminUserDto({ ...user, roles });
    });
  }

  async revoke(actorId: string, userId: string, role: string): Promise<AdminUserDto> {
    this.assertGrantable(role);
    if (role === 'admin') this.change.notSelf(actorId, userId, 'demote');
    return this.change.run(actorId, userId, async (ctx) => {
      const { user, manager } = ctx;
      if (!user.roles.includes(role)) return toAdminUserDto(user);
      if (role === 'admin') await this.change.keepsAnAdmin(ctx);
      if (!isLocal(user)) {
        if (!this.realm.configured) throw this.realm.notConfigured();
        await this.realm.revokeRealmRole(user.subject, role);
      }
      const roles = user.roles.filter((r) => r !== role);
      await this.users.setRoles(manager, user.id, roles);
      await ctx.audit({
        action: AuditAction.UserRoleRevoked,
        before: auditSnapshot(user),
        after: { ...auditSnapshot(user), roles, role },
      });
      return toAdminUserDto({ ...user, roles });
    });
  }
}
