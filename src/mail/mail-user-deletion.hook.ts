import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UserDeletionHooks, type UserDeletionHook } from '../users/user-deletion-hooks.js';

/** Deleting an account deletes the mails kept for its address (they hold its links and name). */
@Injectable()
export class MailUserDeletionHook implements UserDeletionHook, OnModuleInit {
  constructor(private readonly hooks: UserDeletionHooks) {}

  onModuleInit(): void {
    this.hooks.register('mail', this);
  }

  async onUserDeleted(userId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `DELETE FROM mail_messages WHERE recipient = (SELECT email FROM users WHERE id = $1 AND email IS NOT NULL)`,
      [userId],
    );
  }
}
