import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ConnectionAccess } from './connection-access.service.js';
import { ConnectionTokens } from './connection-tokens.service.js';
import { ConnectionRepositoriesService } from './connection-repositories.service.js';
import { ConnectionHealthService } from './connection-health.service.js';
import { ConnectionsContributions } from './connections-contributions.js';
import { ConnectionsController } from './connections.controller.js';
import { ConnectionsProcessor } from './connections.processor.js';
import { ConnectionsRepository } from './connections.repository.js';
import { ConnectionsScheduler } from './connections.scheduler.js';
import { ConnectionsService } from './connections.service.js';
import { CONNECTIONS_CONFIG } from './connections.tokens.js';
import { CredentialVault } from './credential-vault.service.js';
import { InstallStateService } from './install/install-state.service.js';
import { InstallController } from './install/install.controller.js';
import { InstallService } from './install/install.service.js';
import { GitHubProvider } from './providers/github/github.provider.js';
import { ProvidersRegistry } from './providers/providers.registry.js';
import { SlackProvider } from './providers/slack/slack.provider.js';
import { RepositoriesRepository } from './repositories.repository.js';
import { RepositorySyncService } from './repository-sync.service.js';
import { GitHubPushEvents } from './webhooks/github-push-events.js';
import { WebhookDeliveriesRepository } from './webhooks/webhook-deliveries.repository.js';
import { WebhookEffectsService } from './webhooks/webhook-effects.service.js';
import { WebhookIntakeService } from './webhooks/webhook-intake.service.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';

const CORE = [
  {
    provide: CONNECTIONS_CONFIG,
    inject: [APP_CONFIG],
    useFactory: (c: AppConfig) => c.connections,
  },
  ConnectionsRepository,
  RepositoriesRepository,
  WebhookDeliveriesRepository,
  CredentialVault,
  GitHubProvider,
  SlackProvider,
  ProvidersRegistry,
  ConnectionHealthService,
  RepositorySyncService,
  GitHubPushEvents,
  WebhookEffectsService,
  WebhookIntakeService,
  ConnectionTokens,
];

/** The services both halves share (one instance of each). */
@Module({
  providers: CORE,
  exports: CORE,
})
export class ConnectionsCoreModule {}

/**
 * The connections queue's worker and the health sweep schedule: mounted in every role.
 * Exports the typed push events for features that react to GitHub pushes.
 */
@Module({
  imports: [ConnectionsCoreModule],
  providers: [ConnectionsProcessor, ConnectionsScheduler, ConnectionsContributions],
  exports: [ConnectionsCoreModule],
})
export class ConnectionsJobsModule {}

/** Service connections' HTTP API (api and all roles). */
@Module({
  imports: [ConnectionsCoreModule, OrganizationsModule],
  controllers: [ConnectionsController, InstallController, WebhooksController],
  providers: [
    ConnectionAccess,
    ConnectionsService,
    ConnectionRepositoriesService,
    InstallStateService,
    InstallService,
  ],
})
export class ConnectionsModule {}
