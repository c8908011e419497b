import { Injectable, Logger } from '@nestjs/common';
import { ConnectionHealthService } from './connection-health.service.js';
import { connectionNotUsable } from './connections.errors.js';
import { ConnectionsRepository } from './connections.repository.js';
import { CredentialVault } from './credential-vault.service.js';
import { ConnectionEventCause } from './entities/connection-event.entity.js';
import { ConnectionStatus, type ServiceConnection } from './entities/service-connection.entity.js';
import { ProviderError, type CallMode } from './providers/provider.js';
import { ProvidersRegistry } from './providers/providers.registry.js';
import { RepositoriesRepository, type SyncCounts } from './repositories.repository.js';

/** Keeping a connection's repository records in step with the service. */
@Injectable()
export class RepositorySyncService {
  private readonly logger = new Logger('Connections');

  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly repositories: RepositoriesRepository,
    private readonly vault: CredentialVault,
    private readonly providers: ProvidersRegistry,
    private readonly health: ConnectionHealthService,
  ) {}

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
