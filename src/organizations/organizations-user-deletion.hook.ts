import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UserDeletionHooks, type UserDeletionHook } from '../users/user-deletion-hooks.js';
import { OrganizationRole } from './membership.entity.js';
import { OrganizationsRepository } from './organizations.repository.js';

/**
 * Account deletion, inside its transaction: an organization whose only member was the
 * user goes; where the user was the last owner, the longest-standing admin (else member)
 * becomes owner; then the user's memberships go (the FK cascade covers them too).
 */
@Injectable()
export class OrganizationsUserDeletionHook implements UserDeletionHook, OnModuleInit {
  constructor(
    private readonly hooks: UserDeletionHooks,
    private readonly organizations: OrganizationsRepository,
  ) {}

  onModuleInit(): void {
    this.hooks.register('organizations', this);
  }

  async onUserDeleted(userId: string, manager: EntityManager): Promise<void> {
    for (const { orgId, role } of await this.organizations.lockMembershipsOfUser(userId, manager)) {
      const counts = await this.organizations.countMembers(orgId, manager);
      if (counts.members === 1) {
        await this.organizations.delete(orgId, manager);
        continue;
      }
      if (role === OrganizationRole.Owner && counts.owners === 1) {
        const successor = await this.organizations.findSuccessor(orgId, userId, manager);
        if (successor) {
          await this.organizations.setMemberRole(orgId, successor, OrganizationRole.Owner, manager);
        }
      }
      await this.organizations.removeMember(orgId, userId, manager);
    }
  }
}
