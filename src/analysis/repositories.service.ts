import { Inject, Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AuditAction, AuditTargetType } from '../audit/audit-actions.js';
import { AuditService } from '../audit/audit.service.js';
import { ConnectionTokens } from '../connections/connection-tokens.service.js';
import { AppException } from '../core/errors/app.exception.js';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  invalidCursor,
  toPage,
  type PageDto,
} from '../core/pagination/page.js';
import type { AnalysisConfig } from './analysis.config.js';
import { AnalysisErrorCode as C, badInput } from './analysis.errors.js';
import { toRepositoryDto } from './analysis.mapper.js';
import { AnalysisRepository, type CreatedCursor } from './analysis.repository.js';
import { AnalysisService } from './analysis.service.js';
import { ANALYSIS_CONFIG } from './analysis.tokens.js';
import type {
  AnalyzedRepositoryDto,
  CreateRepositoryDto,
  ListRepositoriesQueryDto,
  UpdateRepositoryDto,
} from './dto/repository.dto.js';
import { AnalysisStatus, type AnalyzedRepository } from './entities/analyzed-repository.entity.js';
import { parseRepositoryUrl } from './git/repository-url.js';
import { GitHubMetadata } from './github-metadata.service.js';
import { MANAGE, READ, RepositoryAccess } from './repository-access.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseCursor(cursor: string | undefined): CreatedCursor | null {
  if (cursor === undefined) return null;
  const [createdAt, id] = decodeCursor(cursor, 2);
  if (
    typeof createdAt !== 'string' ||
    Number.isNaN(Date.parse(createdAt)) ||
    typeof id !== 'string' ||
    !UUID.test(id)
  ) {
    throw invalidCursor();
  }
  return { createdAt, id };
}

const isUniqueViolation = (err: unknown) =>
  err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505';

/** Registering, listing, changing and removing analysed repositories. */
@Injectable()
export class RepositoriesService {
  constructor(
    @Inject(ANALYSIS_CONFIG) private readonly config: AnalysisConfig,
    private readonly store: AnalysisRepository,
    private readonly access: RepositoryAccess,
    private readonly github: GitHubMetadata,
    private readonly analysis: AnalysisService,
    private readonly tokens: ConnectionTokens,
    private readonly audit: AuditService,
  ) {}

  async create(userId: string, body: CreateRepositoryDto): Promise<AnalyzedRepositoryDto> {
    const url = parseRepositoryUrl(body.githubUrl, this.config);
    if (body.connectionId && !body.organizationId) {
      throw badInput(
        C.NotReachable,
        'connectionId',
        'connectionId needs organizationId: connections belong to organizations.',
      );
    }
    if (body.organizationId)
      await this.access.requireOrganization(userId, body.organizationId, MANAGE);
    let recordId: string | null = null;
    let connectionId: string | null = null;
    if (body.organizationId) {
      const record = await this.store.findRecordInOrganization(
        body.organizationId,
        url.fullName,
        body.connectionId,
      );
      if (!record && body.connectionId) {
        throw new AppException(
          422,
          C.NotReachable,
          'That connection does not reach this repository (sync its repositories first).',
        );
      }
      recordId = record?.id ?? null;
      connectionId = record?.connectionId ?? null;
    }
    // Through the organization's connection when it reaches the repository (private ones
    // too); otherwise with GITHUB_TOKEN.
    const meta =
      connectionId && url.github
        ? await this.tokens.withGitHubToken(connectionId, (token) =>
            this.github.describe(url, token),
          )
        : await this.github.describe(url);
    let repo: AnalyzedRepository;
    try {
      repo = await this.store.transaction(async (manager) => {
        const created = await this.store.insertRepository(
          {
            ownerUserId: body.organizationId ? null : userId,
            organizationId: body.organizationId ?? null,
            repositoryRecordId: recordId,
            connectionId,
            githubId: meta.githubId,
            name: meta.name,
            fullName: meta.fullName,
            description: meta.description,
            url: meta.url,
            cloneUrl: meta.cloneUrl,
            defaultBranch: meta.defaultBranch,
            language: meta.language,
            stars: meta.stars,
            forks: meta.forks,
            watchers: meta.watchers,
            size: meta.size,
            private: meta.private,
            ownerLogin: meta.owner.login,
            ownerGithubId: meta.owner.githubId,
            ownerAvatarUrl: meta.owner.avatarUrl,
            autoAnalyze: body.autoAnalyze ?? false,
            notificationSettings: {
              emailUpdates: body.notificationSettings?.emailUpdates ?? false,
              webhookUrl: body.notificationSettings?.webhookUrl ?? null,
            },
            analysisStatus: AnalysisStatus.Pending,
          },
          manager,
        );
        await this.audit.record(manager, {
          action: AuditAction.RepositoryRegistered,
          actorId: userId,
          target: { type: AuditTargetType.Repository, id: created.id },
          after: {
            fullName: created.fullName,
            cloneUrl: created.cloneUrl,
            organizationId: created.organizationId,
          },
        });
        return created;
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppException(409, C.AlreadyTracked, 'This owner already tracks that repository.');
      }
      throw err;
    }
    if (repo.autoAnalyze) {
      await this.analysis.startFor(repo, userId, {});
      repo = (await this.store.findRepository(repo.id))!;
    }
    return toRepositoryDto(repo);
  }

  async get(userId: string, id: string): Promise<AnalyzedRepositoryDto> {
    return toRepositoryDto(await this.access.require(userId, id, READ));
  }

  async list(
    userId: string,
    query: ListRepositoriesQueryDto,
  ): Promise<PageDto<AnalyzedRepositoryDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.store.listVisible(
      userId,
      { status: query.status, language: query.language },
      parseCursor(query.cursor),
      limit,
    );
    return toPage(rows, limit, toRepositoryDto, (r) => [r.createdAt.toISOString(), r.id]);
  }

  async update(
    userId: string,
    id: string,
    body: UpdateRepositoryDto,
  ): Promise<AnalyzedRepositoryDto> {
    const repo = await this.access.require(userId, id, MANAGE);
    const changes: {
      autoAnalyze?: boolean;
      notificationSettings?: AnalyzedRepository['notificationSettings'];
    } = {};
    if (body.autoAnalyze !== undefined) changes.autoAnalyze = body.autoAnalyze;
    if (body.notificationSettings) {
      changes.notificationSettings = {
        emailUpdates: body.notificationSettings.emailUpdates,
        webhookUrl: body.notificationSettings.webhookUrl ?? null,
      };
    }
    if (Object.keys(changes).length > 0) await this.store.updateRepository(repo.id, changes);
    return toRepositoryDto((await this.store.findRepository(repo.id))!);
  }

  /** Removes the repository with its jobs and insights (foreign keys cascade). */
  async delete(userId: string, id: string): Promise<void> {
    const repo = await this.access.require(userId, id, MANAGE);
    await this.analysis.cancelActive(repo.id);
    await this.store.transaction(async (manager) => {
      await this.store.deleteRepository(repo.id, manager);
      await this.audit.record(manager, {
        action: AuditAction.RepositoryDeleted,
        actorId: userId,
        target: { type: AuditTargetType.Repository, id: repo.id },
        before: {
          fullName: repo.fullName,
          cloneUrl: repo.cloneUrl,
          organizationId: repo.organizationId,
        },
      });
    });
  }
}
