import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_PAGE_SIZE, toPage, type PageDto } from '../core/pagination/page.js';
import type { OrganizationDto } from './dto/organization.dto.js';
import { OrganizationRole } from './membership.entity.js';
import { OrganizationAccess } from './organization-access.service.js';
import { lastOwner } from './organizations.errors.js';
import {
  organizationCursorKey,
  parseTimeCursor,
  toOrganizationDto,
} from './organizations.mapper.js';
import { OrganizationsRepository } from './organizations.repository.js';

/** Organizations: create, list, read, rename, delete, leave. Members: OrganizationMembersService. */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsRepository,
    private readonly access: OrganizationAccess,
  ) {}

  /** The creator becomes its owner. */
  async create(userId: string, name: string): Promise<OrganizationDto> {
    const organization = await this.dataSource.transaction((manager) =>
      this.organizations.createWithOwner(userId, name, manager),
    );
    return toOrganizationDto({ organization, role: OrganizationRole.Owner });
  }

  /** The caller's organizations, newest first, each with the caller's role. */
  async list(
    userId: string,
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
  ): Promise<PageDto<OrganizationDto>> {
    const rows = await this.organizations.listForUser(userId, parseTimeCursor(cursor), limit);
    return toPage(rows, limit, toOrganizationDto, organizationCursorKey);
  }

  async get(userId: string, orgId: string): Promise<OrganizationDto> {
    return toOrganizationDto(await this.access.require(userId, orgId));
  }

  /**
   * For features that hang off organizations (connections): the caller's role in the
   * organization; 404 ORGANIZATION_NOT_FOUND for non-members, 403 below `needed`.
   */
  async requireMember(
    userId: string,
    orgId: string,
    needed: OrganizationRole = OrganizationRole.Member,
  ): Promise<OrganizationRole> {
    return (await this.access.require(userId, orgId, needed)).role;
  }

  /** Owners and admins. */
  rename(userId: string, orgId: string, name: string): Promise<OrganizationDto> {
    return this.access.inLockedOrganization(
      userId,
      orgId,
      OrganizationRole.Admin,
      async (manager, caller) => {
        const organization = await this.organizations.rename(orgId, name, manager);
        return toOrganizationDto({ organization, role: caller.role });
      },
    );
  }

  /** Owners only; memberships (and later what hangs off the organization) go with it. */
  async delete(userId: string, orgId: string): Promise<void> {
    await this.access.inLockedOrganization(userId, orgId, OrganizationRole.Owner, (manager) =>
      this.organizations.delete(orgId, manager),
    );
  }

  /**
   * The caller leaves. The last owner cannot leave while others remain (they must hand
   * over ownership first); the last member leaving deletes the organization.
   */
  async leave(userId: string, orgId: string): Promise<void> {
    await this.access.inLockedOrganization(
      userId,
      orgId,
      OrganizationRole.Member,
      async (manager, caller) => {
        const counts = await this.organizations.countMembers(orgId, manager);
        if (counts.members === 1) return this.organizations.delete(orgId, manager);
        if (caller.role === OrganizationRole.Owner && counts.owners === 1) {
          throw lastOwner(
            'The last owner cannot leave while other members remain; make another member an owner first.',
          );
        }
        await this.organizations.removeMember(orgId, userId, manager);
      },
    );
  }
}
