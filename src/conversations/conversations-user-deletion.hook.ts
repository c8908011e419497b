import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UserDeletionHooks, type UserDeletionHook } from '../users/user-deletion-hooks.js';
import { ConversationsRepository } from './conversations.repository.js';

/**
 * Account deletion, inside its transaction: the user's conversations go, their messages
 * with them (the FK cascade from users covers this too).
 */
@Injectable()
export class ConversationsUserDeletionHook implements UserDeletionHook, OnModuleInit {
  constructor(
    private readonly hooks: UserDeletionHooks,
    private readonly conversations: ConversationsRepository,
  ) {}

  onModuleInit(): void {
    this.hooks.register('conversations', this);
  }

  async onUserDeleted(userId: string, manager: EntityManager): Promise<void> {
    await this.conversations.deleteAllOfUser(userId, manager);
  }
}
