import { Injectable } from '@nestjs/common';
import { connectionNotUsable } from './connections.errors.js';
import { ConnectionsRepository } from './connections.repository.js';
import { CredentialVault } from './credential-vault.service.js';
import { ConnectionService, ConnectionStatus } from './entities/service-connection.entity.js';
import { ProviderError } from './providers/provider.js';
import { GitHubProvider } from './providers/github/github.provider.js';

/**
 * For features that act on GitHub through an organization's connection (repository
 * analysis): runs work with the connection's token, an App installation token minted
 * (and cached) as needed. The token never leaves the callback's caller.
 */
@Injectable()
export class ConnectionTokens {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly vault: CredentialVault,
    private readonly github: GitHubProvider,
  ) {}

  /** 409 CONNECTION_NOT_USABLE when the connection is disabled, revoked or not GitHub's. */
  async withGitHubToken<T>(connectionId: string, work: (token: string) => Promise<T>): Promise<T> {
    const found = await this.connections.findWithCredential(connectionId);
    if (
      !found ||
      !found.credential ||
      found.connection.service !== ConnectionService.GitHub ||
      found.connection.status === ConnectionStatus.Disabled ||
      found.connection.status === ConnectionStatus.Revoked
    ) {
      throw connectionNotUsable(found?.connection.status ?? ConnectionStatus.Revoked);
    }
    try {
      return await this.github.withToken(
        found.connection,
        this.vault.handle(found.credential),
        work,
      );
    } catch (err) {
      if (err instanceof ProviderError) throw err.toException();
      throw err;
    }
  }
}
