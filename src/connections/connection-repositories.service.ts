import { Injectable } from '@nestjs/common';
import { AppException } from '../core/errors/app.exception.js';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  invalidCursor,
  toPage,
  type PageDto,
} from '../core/pagination/page.js';
import { ConnectionAccess, MANAGE, READ } from './connection-access.service.js';
import { ConnectionErrorCode } from './connections.errors.js';
import { toRepositoryDto } from './connections.mapper.js';
import type { RepositoryDto, RepositorySyncDto } from './dto/connection.dto.js';
import { ProviderError } from './providers/provider.js';
import { ProvidersRegistry } from './providers/providers.registry.js';
import { RepositoriesRepository, type NameCursor } from './repositories.repository.js';
import { RepositorySyncService } from './repository-sync.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseNameCursor(cursor: string | undefined): NameCursor | null {
  if (cursor === undefined) return null;
  const [fullName, id] = decodeCursor(cursor, 2);
  if (typeof fullName !== 'string' || typeof id !== 'string' || !UUID.test(id)) {
    throw invalidCursor();
  }
  return { fullName, id };
}

/** The repositories routes of a connection: members list them, owners and admins sync. */
@Injectable()
export class ConnectionRepositoriesService {
  constructor(
    private readonly access: ConnectionAccess,
    private readonly repositories: RepositoriesRepository,
    private readonly providers: ProvidersRegistry,
    private readonly syncer: RepositorySyncService,
  ) {}

  async list(
    userId: string,
    id: string,
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
  ): Promise<PageDto<RepositoryDto>> {
    const connection = await this.access.require(userId, id, READ);
    const rows = await this.repositories.listForConnection(
      connection.organizationId,
      id,
      parseNameCursor(cursor),
      limit,
    );
    return toPage(rows, limit, toRepositoryDto, (r) => [r.fullName, r.id]);
  }

  /** POST .../repositories/sync: a full sync while the caller waits. */
  async syncFor(userId: string, id: string): Promise<RepositorySyncDto> {
    const connection = await this.access.require(userId, id, MANAGE);
    if (!this.providers.get(connection.service).hasRepositories) {
      throw new AppException(
        409,
        ConnectionErrorCode.NoRepositories,
        `A ${connection.service} connection has no repositories.`,
      );
    }
    try {
      return await this.syncer.sync(connection, 'interactive');
    } catch (err) {
      if (err instanceof ProviderError) throw err.toException();
      throw err;
    }
  }
}
