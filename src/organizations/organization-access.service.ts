import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OrganizationRole } from './membership.entity.js';
import { organizationNotFound, organizationRoleRequired } from './organizations.errors.js';
import { OrganizationsRepository, type MemberOrganization } from './organizations.repository.js';

const RANK: Record<OrganizationRole, number> = {
  [OrganizationRole.Member]: 1,
  [OrganizationRole.Admin]: 2,
  [OrganizationRole.Owner]: 3,
};

/** True when `role` is `needed` or above (owner > admin > member). */
export const hasRole = (role: OrganizationRole, needed: OrganizationRole): boolean =>
  RANK[role] >= RANK[needed];

/** 403 unless `role` is `needed` or above. */
export function requireRole(role: OrganizationRole, needed: OrganizationRole): void {
  if (hasRole(role, needed)) return;
  throw organizationRoleRequired(needed === OrganizationRole.Owner ? 'owner' : 'owner or admin');
}

/**
 * Who may touch an organization: a non-member gets 404 (as if it did not exist), a member
 * below the needed role 403.
 */
@Injectable()
export class OrganizationAccess {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsRepository,
  ) {}

  async require(
    userId: string,
    orgId: string,
    needed: OrganizationRole = OrganizationRole.Member,
  ): Promise<MemberOrganization> {
    const found = await this.organizations.findForMember(userId, orgId);
    if (!found) throw organizationNotFound();
    requireRole(found.role, needed);
    return found;
  }

  /**
   * Runs `work` in a transaction that holds the organization's row lock, after checking
   * the caller's membership and role under that lock: membership changes of one
   * organization run one at a time, so the owner rules cannot race.
   */
  inLockedOrganization<T>(
    userId: string,
    orgId: string,
    needed: OrganizationRole,
    work: (manager: EntityManager, caller: MemberOrganization) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const caller = await this.organizations.lockForMember(userId, orgId, manager);
      if (!caller) throw organizationNotFound();
      requireRole(caller.role, needed);
      return work(manager, caller);
    });
  }
}
