import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditTargetType } from '../../audit/audit-actions.js';
import { AuditService, type AuditEvent } from '../../audit/audit.service.js';
import { CallerStateCache } from '../../users/caller-state-cache.js';
import { lastAdmin, selfAction, userNotFound } from '../admin.errors.js';
import { AdminUsersRepository, type AdminUserRow } from './admin-users.repository.js';

export interface ChangeContext {
  manager: EntityManager;
  user: AdminUserRow;
  /** Appends the action's audit entry to the same transaction. */
  audit: (event: Omit<AuditEvent, 'actorId' | 'target'>) => Promise<void>;
}

/**
 * The frame of every admin action on a user: one transaction that holds the admin
 * roster lock and the user's row lock, so two admins acting at once are serialized and
 * the last-admin rule sees the other's committed change.
 */
@Injectable()
export class UserChange {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: AdminUsersRepository,
    private readonly audit: AuditService,
    private readonly callers: CallerStateCache,
  ) {}

  run<T>(actorId: string, userId: string, fn: (ctx: ChangeContext) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.lockForChange(manager, userId);
      if (!user) throw userNotFound();
      // this replica serves the user's state from the database until the commit is notified
      this.callers.changing(userId);
      return fn({
        manager,
        user,
        audit: async (event) => {
          await this.audit.record(manager, {
            ...event,
            actorId,
            target: { type: AuditTargetType.User, id: userId },
          });
        },
      });
    });
  }

  /** 409 when the actor acts on themself. */
  notSelf(actorId: string, userId: string, what: string): void {
    if (actorId === userId) throw selfAction(what);
  }

  /** 409 when taking `user`'s admin access away would leave no active administrator. */
  async keepsAnAdmin(ctx: ChangeContext): Promise<void> {
    const { user, manager } = ctx;
    const activeAdmin = user.status === 'active' && user.roles.includes('admin');
    if (!activeAdmin) return;
    if ((await this.users.countOtherActiveAdmins(manager, user.id)) === 0) throw lastAdmin();
  }
}
