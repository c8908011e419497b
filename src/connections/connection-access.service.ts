import { Injectable } from '@nestjs/common';
import { AppException } from '../core/errors/app.exception.js';
import { OrganizationRole } from '../organizations/membership.entity.js';
import { OrganizationErrorCode } from '../organizations/organizations.errors.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { connectionNotFound } from './connections.errors.js';
import { ConnectionsRepository } from './connections.repository.js';
import type { ServiceConnection } from './entities/service-connection.entity.js';

/**
 * Who may touch a connection: members of its organization read it, owners and admins
 * change it (403 ORGANIZATION_ROLE_REQUIRED below that); anyone else gets 404.
 */
@Injectable()
export class ConnectionAccess {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly connections: ConnectionsRepository,
  ) {}

  /** 404 ORGANIZATION_NOT_FOUND for non-members, 403 below `needed`. */
  requireOrganization(
    userId: string,
    orgId: string,
    needed: OrganizationRole,
  ): Promise<OrganizationRole> {
    return this.organizations.requireMember(userId, orgId, needed);
  }

  /** The connection, when the caller has `needed` in its organization. */
  async require(
    userId: string,
    connectionId: string,
    needed: OrganizationRole = OrganizationRole.Member,
  ): Promise<ServiceConnection> {
    const connection = await this.connections.findById(connectionId);
    if (!connection) throw connectionNotFound();
    try {
      await this.organizations.requireMember(userId, connection.organizationId, needed);
    } catch (err) {
      if (err instanceof AppException && err.code === String(OrganizationErrorCode.NotFound)) {
        throw connectionNotFound();
      }
      throw err;
    }
    return connection;
  }
}

export const MANAGE = OrganizationRole.Admin;
export const READ = OrganizationRole.Member;
