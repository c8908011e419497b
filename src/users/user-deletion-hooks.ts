import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A feature's part in deleting an account: remove or anonymize that user's data. */
export interface UserDeletionHook {
  /** Runs inside the deletion's transaction, before the user row is deleted. */
  onUserDeleted(userId: string, manager: EntityManager): Promise<void>;
}

/**
 * Features register here (in onModuleInit) to take part in account deletion, so the
 * account module needs no knowledge of them.
 */
@Injectable()
export class UserDeletionHooks {
  private readonly hooks: { name: string; hook: UserDeletionHook }[] = [];

  register(name: string, hook: UserDeletionHook): void {
    this.hooks.push({ name, hook });
  }

  async run(userId: string, manager: EntityManager): Promise<string[]> {
    for (const { hook } of this.hooks) await hook.onUserDeleted(userId, manager);
    return this.hooks.map((h) => h.name);
  }
}
