import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditAction, AuditTargetType } from '../audit/audit-actions.js';
import { AuditService } from '../audit/audit.service.js';
import { AppException } from '../core/errors/app.exception.js';
import { DEFAULT_PAGE_SIZE, toPage, type PageDto } from '../core/pagination/page.js';
import { UsersService } from '../users/users.service.js';
import type { OrganizationMemberDto } from './dto/organization-member.dto.js';
import { OrganizationRole } from './membership.entity.js';
import { OrganizationAccess, requireRole } from './organization-access.service.js';
import { lastOwner, memberNotFound, OrganizationErrorCode } from './organizations.errors.js';
import {
  memberCursorKey,
  parseTimeCursor,
  toOrganizationMemberDto,
} from './organizations.mapper.js';
import { OrganizationsRepository, type MemberView } from './organizations.repository.js';

/**
 * Members of an organization and their roles. Owners and admins manage members; only
 * owners grant, take or remove 'owner'; an organization always keeps an owner.
 */
@Injectable()
export class OrganizationMembersService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly access: OrganizationAccess,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** Longest-standing first. */
  async list(
    userId: string,
    orgId: string,
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
  ): Promise<PageDto<OrganizationMemberDto>> {
    await this.access.require(userId, orgId);
    const rows = await this.organizations.listMembers(orgId, parseTimeCursor(cursor), limit);
    return toPage(rows, limit, toOrganizationMemberDto, memberCursorKey);
  }

  /** Adds an existing user (found by email) with `role`; adding an owner needs an owner. */
  async add(
    userId: string,
    orgId: string,
    email: string,
    role: OrganizationRole,
  ): Promise<OrganizationMemberDto> {
    // Looked up before the transaction (no second connection while it holds the lock);
    // reported only after the caller's own membership and role were checked.
    const user = await this.users.findByEmail(email);
    const member = await this.access.inLockedOrganization(
      userId,
      orgId,
      OrganizationRole.Admin,
      async (manager, caller) => {
        if (role === OrganizationRole.Owner) requireRole(caller.role, OrganizationRole.Owner);
        if (!user) {
          throw new AppException(
            404,
            OrganizationErrorCode.UserNotFound,
            'No user has this email address; they need to sign in to Meridian once first.',
          );
        }
        if (await this.organizations.findMember(orgId, user.id, manager)) {
          throw new AppException(
            409,
            OrganizationErrorCode.AlreadyMember,
            'This user is already a member of the organization.',
          );
        }
        await this.organizations.addMember(orgId, user.id, role, manager);
        await this.audit.record(manager, {
          action: AuditAction.OrganizationMemberAdded,
          actorId: userId,
          target: { type: AuditTargetType.Organization, id: orgId },
          after: { userId: user.id, role },
        });
        return this.requireMember(orgId, user.id, manager);
      },
    );
    return toOrganizationMemberDto(member);
  }

  /** Owners and admins; only owners grant or take 'owner'; the last owner stays one. */
  async changeRole(
    userId: string,
    orgId: string,
    targetUserId: string,
    role: OrganizationRole,
  ): Promise<OrganizationMemberDto> {
    const member = await this.access.inLockedOrganization(
      userId,
      orgId,
      OrganizationRole.Admin,
      async (manager, caller) => {
        const target = await this.requireMember(orgId, targetUserId, manager);
        if (target.role === OrganizationRole.Owner || role === OrganizationRole.Owner) {
          requireRole(caller.role, OrganizationRole.Owner);
        }
        if (target.role === role) return target;
        if (target.role === OrganizationRole.Owner) {
          const { owners } = await this.organizations.countMembers(orgId, manager);
          if (owners === 1) {
            throw lastOwner(
              'The last owner cannot be demoted; make another member an owner first.',
            );
          }
        }
        await this.organizations.setMemberRole(orgId, targetUserId, role, manager);
        await this.audit.record(manager, {
          action: AuditAction.OrganizationMemberRoleChanged,
          actorId: userId,
          target: { type: AuditTargetType.Organization, id: orgId },
          before: { userId: targetUserId, role: target.role },
          after: { userId: targetUserId, role },
        });
        return { ...target, role };
      },
    );
    return toOrganizationMemberDto(member);
  }

  /** Owners and admins; admins cannot remove owners; the last owner cannot be removed. */
  async remove(userId: string, orgId: string, targetUserId: string): Promise<void> {
    await this.access.inLockedOrganization(
      userId,
      orgId,
      OrganizationRole.Admin,
      async (manager, caller) => {
        const target = await this.requireMember(orgId, targetUserId, manager);
        if (target.role === OrganizationRole.Owner) {
          requireRole(caller.role, OrganizationRole.Owner);
          const { owners } = await this.organizations.countMembers(orgId, manager);
          if (owners === 1) {
            throw lastOwner(
              'The last owner cannot be removed; make another member an owner first, or delete the organization.',
            );
          }
        }
        await this.organizations.removeMember(orgId, targetUserId, manager);
        await this.audit.record(manager, {
          action: AuditAction.OrganizationMemberRemoved,
          actorId: userId,
          target: { type: AuditTargetType.Organization, id: orgId },
          before: { userId: targetUserId, role: target.role },
        });
      },
    );
  }

  private async requireMember(
    orgId: string,
    userId: string,
    manager: EntityManager,
  ): Promise<MemberView> {
    const member = await this.organizations.findMember(orgId, userId, manager);
    if (!member) throw memberNotFound();
    return member;
  }
}
