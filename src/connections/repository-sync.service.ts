import { Injectable, Logger } from '@nestjs/common';
import { AppException } from '../core/errors/app.exception.js';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  invalidCursor,
  toPage,
  type PageDto,
} from '../core/pagination/page.js';
import { ConnectionAccess, MANAGE, READ } from './connection-access.service.js';
import { ConnectionHealthService } from './connection-health.service.js';
import { ConnectionErrorCode, connectionNotUsable } from './connections.errors.js';
import { toRepositoryDto } from './connections.mapper.js';
import { ConnectionsRepository } from './connections.repository.js';
import { CredentialVault } from './credential-vault.service.js';
import type { RepositoryDto, RepositorySyncDto } from './dto/connection.dto.js';
import { ConnectionEventCause } from './entities/connection-event.entity.js';
import { ConnectionStatus, type ServiceConnection } from './entities/service-connection.entity.js';
import { ProviderError, type CallMode } from './providers/provider.js';
import { ProvidersRegistry } from './providers/providers.registry.js';
import {
  RepositoriesRepository,
  type NameCursor,
  type SyncCounts,
} from './repositories.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseNameCursor(cursor: string | undefined): NameCursor | null {
  if (cursor === undefined) return null;
  const [fullName, id] = decodeCursor(cursor, 2);
  if (typeof fullName !== 'string' || typeof id !== 'string' || !UUID.test(id))
    throw invalidCursor();
  return { fullName, id };
}

/** The repositories a connection reaches: listing, and keeping them in step with the service. */
@Injectable()
export class RepositorySyncService {
  private readonly logger = new Logger('Connections');

  constructor(
    private readonly access: ConnectionAccess,
    private readonly connections: ConnectionsRepository,
    private readonly repositories: RepositoriesRepository,
    private readonly vault: CredentialVault,
    private readonly providers: ProvidersRegistry,
    private readonly health: ConnectionHealthService,
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
      return await this.sync(connection, 'interactive');
    } catch (err) {
      if (err instanceof ProviderError) throw err.toException();
      throw err;
    }
  }

  /**
   * Lists every repository upstream and upserts them; the ones no longer listed become
   * inactive. A refusal revokes the connection. Throws ProviderError.
   */
  async sync(connection: ServiceConnection, mode: CallMode): Promise<SyncCounts> {
    if (
      connection.status === ConnectionStatus.Disabled ||
      connection.status === ConnectionStatus.Revoked
    ) {
      throw connectionNotUsable(connection.status);
    }
    const provider = this.providers.get(connection.service);
    const credential = await this.connections.findCredential(connection.id);
    if (!credential) throw connectionNotUsable(connection.status);
    try {
      const repos = await provider.listRepositories(
        connection,
        this.vault.handle(credential),
        mode,
      );
      return await this.repositories.upsert(
        connection.organizationId,
        connection.id,
        connection.service,
        repos,
        true,
      );
    } catch (err) {
      if (err instanceof ProviderError && err.failure === 'refused') {
        await this.connections.transaction(async (manager) => {
          const locked = await this.connections.lock(manager, connection.id);
          if (locked) {
            await this.health.transition(manager, locked, {
              to: ConnectionStatus.Revoked,
              reason: `the service refused the credential (${err.code})`,
              cause: ConnectionEventCause.HealthCheck,
              actorId: null,
            });
          }
        });
      }
      throw err;
    }
  }

  /** The background sync job: unusable or vanished connections are skipped. */
  async syncInBackground(connectionId: string): Promise<SyncCounts | null> {
    const connection = await this.connections.findById(connectionId);
    if (
      !connection ||
      connection.status === ConnectionStatus.Disabled ||
      connection.status === ConnectionStatus.Revoked
    ) {
      return null;
    }
    try {
      return await this.sync(connection, 'background');
    } catch (err) {
      if (err instanceof ProviderError && err.failure === 'refused') {
        this.logger.warn(
          `repository sync of ${connectionId}: refused (${err.code}); connection revoked`,
        );
        return null;
      }
      throw err;
    }
  }
}
