import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../core/errors/app.exception.js';
import { QueueProducer } from '../../queue/queue-producer.service.js';
import { JobName } from '../../queue/queue.constants.js';
import { ConnectionAccess, MANAGE } from '../connection-access.service.js';
import { ConnectionHealthService } from '../connection-health.service.js';
import type { ConnectionsConfig } from '../connections.config.js';
import {
  ConnectionErrorCode,
  githubAppNotConfigured,
  slackOAuthNotConfigured,
} from '../connections.errors.js';
import { ConnectionsRepository } from '../connections.repository.js';
import { CONNECTIONS_CONFIG } from '../connections.tokens.js';
import { CredentialVault } from '../credential-vault.service.js';
import type { InstallResultDto, InstallUrlDto } from '../dto/install.dto.js';
import { ConnectionEventCause } from '../entities/connection-event.entity.js';
import { ConnectionService, ConnectionStatus } from '../entities/service-connection.entity.js';
import { CredentialKind } from '../entities/service-credential.entity.js';
import { ProviderError, resultOf, type ValidatedCredential } from '../providers/provider.js';
import { GitHubProvider } from '../providers/github/github.provider.js';
import { SlackProvider } from '../providers/slack/slack.provider.js';
import { InstallStateService } from './install-state.service.js';

/** The browser install flows: GitHub App installation and Slack OAuth v2. */
@Injectable()
export class InstallService {
  private readonly logger = new Logger('Connections');

  constructor(
    @Inject(CONNECTIONS_CONFIG) private readonly config: ConnectionsConfig,
    @Inject(APP_CONFIG) private readonly app: AppConfig,
    private readonly access: ConnectionAccess,
    private readonly states: InstallStateService,
    private readonly connections: ConnectionsRepository,
    private readonly vault: CredentialVault,
    private readonly health: ConnectionHealthService,
    private readonly github: GitHubProvider,
    private readonly slack: SlackProvider,
    private readonly producer: QueueProducer,
  ) {}

  slackRedirectUri(): string {
    return `${this.app.publicUrl}/api/v1/connections/slack/callback`;
  }

  /** Where the callback sends the browser: APP_URL when set (else the JSON answer). */
  redirectFor(result: InstallResultDto): string | null {
    if (!this.app.appUrl) return null;
    const q = new URLSearchParams({ connectionId: result.connectionId, status: result.status });
    return `${this.app.appUrl}/connections?${q.toString()}`;
  }

  async githubInstallUrl(userId: string, organizationId: string): Promise<InstallUrlDto> {
    if (!this.config.github.app || !this.config.github.appSlug) throw githubAppNotConfigured();
    await this.access.requireOrganization(userId, organizationId, MANAGE);
    const { state, expiresAt } = this.states.issue(
      ConnectionService.GitHub,
      organizationId,
      userId,
    );
    const url = `${this.config.github.webUrl}/apps/${encodeURIComponent(this.config.github.appSlug)}/installations/new?state=${encodeURIComponent(state)}`;
    return { url, state, expiresAt: expiresAt.toISOString() };
  }

  async slackInstallUrl(userId: string, organizationId: string): Promise<InstallUrlDto> {
    if (!this.config.slack.clientId || !this.config.slack.clientSecret)
      throw slackOAuthNotConfigured();
    await this.access.requireOrganization(userId, organizationId, MANAGE);
    const { state, expiresAt } = this.states.issue(ConnectionService.Slack, organizationId, userId);
    const q = new URLSearchParams({
      client_id: this.config.slack.clientId,
      scope: this.config.slack.scopes,
      state,
      redirect_uri: this.slackRedirectUri(),
    });
    return {
      url: `${this.config.slack.webUrl}/oauth/v2/authorize?${q.toString()}`,
      state,
      expiresAt: expiresAt.toISOString(),
    };
  }

  async githubCallback(
    installationId: number,
    setupAction: string | undefined,
    state: string | undefined,
  ): Promise<InstallResultDto> {
    if (!this.config.github.app) throw githubAppNotConfigured();
    if (!state) {
      if (setupAction !== 'update') {
        throw new AppException(
          400,
          ConnectionErrorCode.InstallStateInvalid,
          'The install state is missing.',
        );
      }
      const linked = await this.connections.findByExternalId(
        ConnectionService.GitHub,
        String(installationId),
      );
      if (linked.length === 0) {
        throw new AppException(
          404,
          ConnectionErrorCode.InstallationNotLinked,
          'No organization has linked this installation.',
        );
      }
      for (const c of linked) await this.enqueueFollowUps(c.id, true);
      return {
        connectionId: linked[0].id,
        organizationId: linked[0].organizationId,
        status: linked[0].status,
      };
    }
    const claim = await this.states.consume(ConnectionService.GitHub, state);
    await this.access.requireOrganization(claim.userId, claim.organizationId, MANAGE);
    const validated = await this.validated(() =>
      this.github.validate(
        { kind: CredentialKind.GitHubAppInstallation, installationId },
        'interactive',
      ),
    );
    return this.link(
      claim.organizationId,
      claim.userId,
      ConnectionService.GitHub,
      'GitHub',
      validated,
    );
  }

  async slackCallback(
    code: string | undefined,
    state: string,
    error: string | undefined,
  ): Promise<InstallResultDto> {
    if (!this.config.slack.clientId || !this.config.slack.clientSecret)
      throw slackOAuthNotConfigured();
    const claim = await this.states.consume(ConnectionService.Slack, state);
    await this.access.requireOrganization(claim.userId, claim.organizationId, MANAGE);
    if (error || !code) {
      throw new AppException(
        422,
        ConnectionErrorCode.CredentialRejected,
        `Slack did not authorize the install (${error ?? 'no code'}).`,
      );
    }
    const started = performance.now();
    const oauth = await this.validated(() =>
      this.slack.oauthAccess({ code, redirectUri: this.slackRedirectUri() }),
    );
    const validated: ValidatedCredential = {
      kind: CredentialKind.SlackOAuth,
      secret: oauth.accessToken,
      expiresAt: oauth.expiresAt,
      refreshToken: oauth.refreshToken,
      externalId: oauth.teamId,
      settings: {
        teamId: oauth.teamId,
        team: oauth.teamName,
        botUserId: oauth.botUserId,
        scopes: oauth.scope?.split(',') ?? [],
      },
      health: resultOf(started, 'pass', null, 'oauth.v2.access granted a bot token.'),
    };
    return this.link(
      claim.organizationId,
      claim.userId,
      ConnectionService.Slack,
      oauth.teamName ?? 'Slack',
      validated,
    );
  }

  private async validated<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof ProviderError) throw err.toException();
      throw err;
    }
  }

  /** Creates the organization's connection (pending until its first check) or updates the linked one. */
  private async link(
    organizationId: string,
    userId: string,
    service: ConnectionService,
    name: string,
    validated: ValidatedCredential,
  ): Promise<InstallResultDto> {
    const result = await this.connections.transaction(async (manager) => {
      const existing = await this.connections.findInOrganizationByExternalId(
        organizationId,
        service,
        validated.externalId!,
        manager,
      );
      if (existing) {
        const locked = (await this.connections.lock(manager, existing.id))!;
        await this.connections.replaceCredential(manager, this.vault.row(existing.id, validated));
        await this.connections.update(manager, existing.id, { settings: validated.settings });
        if (
          locked.status === ConnectionStatus.Revoked ||
          locked.status === ConnectionStatus.Error
        ) {
          await this.health.transition(manager, locked, {
            to: ConnectionStatus.Pending,
            reason: 'installed again',
            cause: ConnectionEventCause.Install,
            actorId: userId,
          });
        }
        return {
          connectionId: existing.id,
          organizationId,
          status:
            locked.status === ConnectionStatus.Revoked || locked.status === ConnectionStatus.Error
              ? ConnectionStatus.Pending
              : locked.status,
        };
      }
      const id = randomUUID();
      await this.connections.insert(
        manager,
        {
          id,
          organizationId,
          service,
          name: name.slice(0, 100),
          status: ConnectionStatus.Pending,
          statusReason: 'installed; waiting for its first check',
          externalId: validated.externalId,
          settings: validated.settings,
          createdBy: userId,
        },
        this.vault.row(id, validated),
        {
          connectionId: id,
          organizationId,
          fromStatus: null,
          toStatus: ConnectionStatus.Pending,
          reason: 'installed',
          cause: ConnectionEventCause.Install,
          actorId: userId,
        },
      );
      return { connectionId: id, organizationId, status: ConnectionStatus.Pending };
    });
    await this.enqueueFollowUps(result.connectionId, service === ConnectionService.GitHub);
    return result;
  }

  private async enqueueFollowUps(connectionId: string, sync: boolean): Promise<void> {
    try {
      await this.producer.enqueue(JobName.CheckConnection, { connectionId });
      if (sync) await this.producer.enqueue(JobName.SyncConnectionRepositories, { connectionId });
    } catch {
      this.logger.warn(
        `could not enqueue the first check of ${connectionId}; the sweep will check it`,
      );
    }
  }
}
