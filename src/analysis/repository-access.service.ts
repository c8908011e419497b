import { Injectable } from '@nestjs/common';
import { AppException } from '../core/errors/app.exception.js';
import { OrganizationRole } from '../organizations/membership.entity.js';
import { OrganizationErrorCode } from '../organizations/organizations.errors.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { repositoryNotFound } from './analysis.errors.js';
import { AnalysisRepository } from './analysis.repository.js';
import type { AnalyzedRepository } from './entities/analyzed-repository.entity.js';

export const READ = OrganizationRole.Member;
export const MANAGE = OrganizationRole.Admin;

/**
 * Who may touch a repository: its owner user; for an organization's, members read and
 * analyse it and owners and admins change it (403 below that); anyone else gets 404.
 */
@Injectable()
export class RepositoryAccess {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly store: AnalysisRepository,
  ) {}

  async require(
    userId: string,
    repositoryId: string,
    needed: OrganizationRole = READ,
  ): Promise<AnalyzedRepository> {
    const repo = await this.store.findRepository(repositoryId);
    if (!repo) throw repositoryNotFound();
    if (repo.ownerUserId !== null) {
      if (repo.ownerUserId !== userId) throw repositoryNotFound();
      return repo;
    }
    try {
      await this.organizations.requireMember(userId, repo.organizationId!, needed);
    } catch (err) {
      if (err instanceof AppException && err.code === String(OrganizationErrorCode.NotFound)) {
        throw repositoryNotFound();
      }
      throw err;
    }
    return repo;
  }

  requireOrganization(
    userId: string,
    orgId: string,
    needed: OrganizationRole,
  ): Promise<OrganizationRole> {
    return this.organizations.requireMember(userId, orgId, needed);
  }
}
