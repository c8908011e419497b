import { Injectable } from '@nestjs/common';
import { AuditAction, AuditTargetType } from '../../audit/audit-actions.js';
import { AuditService } from '../../audit/audit.service.js';
import { PasswordResetService } from '../../auth/password-reset.service.js';
import { RegistrationService } from '../../auth/registration.service.js';
import { AppException } from '../../core/errors/app.exception.js';
import { AdminErrorCode, userNotFound } from '../admin.errors.js';
import { isLocal } from './admin-user.mapper.js';
import { AdminUsersRepository, type AdminUserRow } from './admin-users.repository.js';

/** Account mails an administrator sends for a user: password reset, verification. */
@Injectable()
export class UserMailsUseCase {
  constructor(
    private readonly users: AdminUsersRepository,
    private readonly resets: PasswordResetService,
    private readonly registration: RegistrationService,
    private readonly audit: AuditService,
  ) {}

  private async localAccount(userId: string): Promise<AdminUserRow & { email: string }> {
    const user = await this.users.findById(userId);
    if (!user) throw userNotFound();
    if (!isLocal(user) || !user.email) {
      throw new AppException(
        409,
        AdminErrorCode.NotLocalAccount,
        'This user signs in through Keycloak; their password and address are managed there.',
      );
    }
    if (user.status !== 'active') {
      throw new AppException(
        409,
        AdminErrorCode.UserDisabled,
        'This account is disabled; enable it first.',
      );
    }
    return user as AdminUserRow & { email: string };
  }

  async sendPasswordReset(actorId: string, userId: string): Promise<void> {
    const user = await this.localAccount(userId);
    await this.resets.sendResetFor(user.id, user.email);
    await this.audit.recordNow({
      action: AuditAction.UserPasswordResetSent,
      actorId,
      target: { type: AuditTargetType.User, id: user.id },
      after: { email: user.email },
    });
  }

  async resendVerification(actorId: string, userId: string): Promise<void> {
    const user = await this.localAccount(userId);
    if (user.email_verified_at) {
      throw new AppException(
        409,
        AdminErrorCode.AlreadyVerified,
        'This address is already verified.',
      );
    }
    await this.registration.sendVerificationFor(user.id, user.email);
    await this.audit.recordNow({
      action: AuditAction.UserVerificationResent,
      actorId,
      target: { type: AuditTargetType.User, id: user.id },
      after: { email: user.email },
    });
  }
}
