import { Injectable } from '@nestjs/common';
import { AuditAction } from '../../audit/audit-actions.js';
import { AccountDeletionService } from '../../auth/account-deletion.service.js';
import { auditSnapshot } from './admin-user.mapper.js';
import { UserChange } from './user-change.js';

/**
 * Deletes a user through the same hooks as self-service deletion (every feature removes
 * or anonymizes its data), in one transaction with its audit entry.
 */
@Injectable()
export class DeleteUserUseCase {
  constructor(
    private readonly change: UserChange,
    private readonly deletion: AccountDeletionService,
  ) {}

  async execute(actorId: string, userId: string): Promise<void> {
    this.change.notSelf(actorId, userId, 'delete');
    await this.change.run(actorId, userId, async (ctx) => {
      await this.change.keepsAnAdmin(ctx);
      const features = await this.deletion.deleteWithin(ctx.user.id, ctx.user.email, ctx.manager);
      await ctx.audit({
        action: AuditAction.UserDeleted,
        before: auditSnapshot(ctx.user),
        after: { deleted: true, features },
      });
    });
  }
}
