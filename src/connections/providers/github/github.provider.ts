import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConnectionsConfig } from '../../connections.config.js';
import { CONNECTIONS_CONFIG } from '../../connections.tokens.js';
import { ConnectionService, type HealthResult } from '../../entities/service-connection.entity.js';
import { CredentialKind } from '../../entities/service-credential.entity.js';
import {
  failureResult,
  ProviderError,
  resultOf,
  type CallMode,
  type ConnectionProvider,
  type CredentialHandle,
  type CredentialInput,
  type ProviderConnection,
  type UpstreamRepository,
  type ValidatedCredential,
} from '../provider.js';
import { githubCall, githubFailure, mintInstallationToken, rateLimitOf } from './github-client.js';

/** An installation token is used until this long before the expiry GitHub gave it. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

interface GitHubRepo {
  id: number;
  full_name: string;
  default_branch?: string | null;
  private: boolean;
  html_url?: string | null;
  clone_url?: string | null;
  archived?: boolean;
}

export function toUpstreamRepository(repo: GitHubRepo): UpstreamRepository {
  return {
    externalId: String(repo.id),
    fullName: repo.full_name,
    defaultBranch: repo.default_branch ?? null,
    private: repo.private,
    htmlUrl: repo.html_url ?? null,
    cloneUrl: repo.clone_url ?? null,
    archived: repo.archived ?? false,
  };
}

const PAGE = 100;

/** GitHub: an App installation (installation tokens minted on demand) or a token. */
@Injectable()
export class GitHubProvider implements ConnectionProvider {
  readonly service = ConnectionService.GitHub;
  readonly kinds = [CredentialKind.GitHubAppInstallation, CredentialKind.GitHubToken] as const;
  readonly hasRepositories = true;

  constructor(@Inject(CONNECTIONS_CONFIG) private readonly config: ConnectionsConfig) {}

  async validate(input: CredentialInput, mode: CallMode): Promise<ValidatedCredential> {
    const started = performance.now();
    if (input.kind === CredentialKind.GitHubAppInstallation) {
      if (!this.config.github.app) {
        throw new ProviderError(
          'unavailable',
          'GITHUB_APP_NOT_CONFIGURED',
          'The GitHub App is not configured on this server.',
        );
      }
      const minted = await mintInstallationToken(this.config, input.installationId);
      const call = githubCall(
        this.config,
        `installation:${input.installationId}`,
        mode,
        minted.token,
      );
      try {
        const res = await call.octokit.request('GET /installation/repositories', { per_page: 1 });
        return {
          kind: input.kind,
          secret: minted.token,
          expiresAt: minted.expiresAt,
          refreshToken: null,
          externalId: String(input.installationId),
          settings: { installationId: input.installationId, repositoryCount: res.data.total_count },
          health: resultOf(
            started,
            'pass',
            null,
            'Installation token minted; repositories readable.',
            rateLimitOf(res.headers),
          ),
        };
      } catch (err) {
        throw githubFailure(err, call, 'the installation');
      }
    }
    if (input.kind !== CredentialKind.GitHubToken)
      throw new Error(`GitHub does not take ${input.kind}`);
    const call = githubCall(
      this.config,
      `token:${createHash('sha256').update(input.token).digest('hex').slice(0, 16)}`,
      mode,
      input.token,
    );
    try {
      const res = await call.octokit.request('GET /user');
      const scopesHeader = res.headers['x-oauth-scopes'];
      const scopes =
        typeof scopesHeader === 'string' && scopesHeader.trim() !== ''
          ? scopesHeader
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [];
      return {
        kind: input.kind,
        secret: input.token,
        expiresAt: null,
        refreshToken: null,
        externalId: null,
        settings: { login: res.data.login, userId: res.data.id, scopes },
        health: resultOf(
          started,
          'pass',
          null,
          `Authenticated as ${res.data.login}.`,
          rateLimitOf(res.headers),
        ),
      };
    } catch (err) {
      throw githubFailure(err, call, 'the token');
    }
  }

  /** A usable installation token: the cached one, or a freshly minted one (then cached). */
  private async installationToken(
    connection: ProviderConnection,
    credential: CredentialHandle,
    force = false,
  ): Promise<string> {
    const cached = credential.secret;
    const fresh =
      cached &&
      credential.expiresAt &&
      credential.expiresAt.getTime() - Date.now() > TOKEN_REFRESH_MARGIN_MS;
    if (fresh && !force) return cached;
    const minted = await mintInstallationToken(this.config, Number(connection.externalId));
    await credential.save({ secret: minted.token, expiresAt: minted.expiresAt });
    return minted.token;
  }

  /**
   * Runs `work` with the connection's token. With an App installation, a 401 on a cached
   * token mints a new one and tries once more: only the installation being gone revokes.
   */
  async withToken<T>(
    connection: ProviderConnection,
    credential: CredentialHandle,
    work: (token: string) => Promise<T>,
  ): Promise<T> {
    if (credential.kind === CredentialKind.GitHubToken) {
      if (!credential.secret)
        throw new ProviderError('refused', 'GITHUB_TOKEN_MISSING', 'The connection has no token.');
      return work(credential.secret);
    }
    const token = await this.installationToken(connection, credential);
    try {
      return await work(token);
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'GITHUB_401') {
        return work(await this.installationToken(connection, credential, true));
      }
      throw err;
    }
  }

  async check(connection: ProviderConnection, credential: CredentialHandle): Promise<HealthResult> {
    const started = performance.now();
    try {
      return await this.withToken(connection, credential, async (token) => {
        const call = githubCall(this.config, connection.id, 'background', token);
        try {
          if (credential.kind === CredentialKind.GitHubToken) {
            const res = await call.octokit.request('GET /user');
            return resultOf(
              started,
              'pass',
              null,
              `Authenticated as ${res.data.login}.`,
              rateLimitOf(res.headers),
            );
          }
          const res = await call.octokit.request('GET /installation/repositories', { per_page: 1 });
          return resultOf(
            started,
            'pass',
            null,
            `${res.data.total_count} repositories reachable.`,
            rateLimitOf(res.headers),
          );
        } catch (err) {
          throw githubFailure(err, call, 'the health check');
        }
      });
    } catch (err) {
      return failureResult(started, err);
    }
  }

  async listRepositories(
    connection: ProviderConnection,
    credential: CredentialHandle,
    mode: CallMode,
  ): Promise<UpstreamRepository[]> {
    return this.withToken(connection, credential, async (token) => {
      const call = githubCall(this.config, connection.id, mode, token);
      try {
        if (credential.kind === CredentialKind.GitHubToken) {
          const repos = await call.octokit.paginate('GET /user/repos', { per_page: PAGE });
          return (repos as GitHubRepo[]).map(toUpstreamRepository);
        }
        const repos = await call.octokit.paginate('GET /installation/repositories', {
          per_page: PAGE,
        });
        return (repos as GitHubRepo[]).map(toUpstreamRepository);
      } catch (err) {
        throw githubFailure(err, call, 'listing repositories');
      }
    });
  }

  async revoke(connection: ProviderConnection, credential: CredentialHandle): Promise<void> {
    // A token the caller gave us is theirs to revoke; the installation token is ours.
    if (credential.kind !== CredentialKind.GitHubAppInstallation || !credential.secret) return;
    if (credential.expiresAt && credential.expiresAt.getTime() <= Date.now()) return;
    const call = githubCall(this.config, connection.id, 'interactive', credential.secret);
    await call.octokit.request('DELETE /installation/token');
  }
}
