import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { MailController } from './mail.controller.js';
import { MailModule } from './mail.module.js';
import { MailUserDeletionHook } from './mail-user-deletion.hook.js';

/**
 * The outbox API for administrators, and the mail part of account deletion: mounted in
 * the api and all roles only (where accounts are deleted).
 */
@Module({
  imports: [MailModule, UsersModule],
  controllers: [MailController],
  providers: [MailUserDeletionHook],
})
export class MailAdminModule {}
