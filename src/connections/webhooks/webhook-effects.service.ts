import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConnectionHealthService } from '../connection-health.service.js';
import type { ConnectionsConfig } from '../connections.config.js';
import { ConnectionsRepository } from '../connections.repository.js';
import { CONNECTIONS_CONFIG } from '../connections.tokens.js';
import { ConnectionEventCause } from '../entities/connection-event.entity.js';
import {
  ConnectionService,
  ConnectionStatus,
  type ServiceConnection,
} from '../entities/service-connection.entity.js';
import {
  WebhookDeliveryStatus,
  type WebhookDelivery,
} from '../entities/webhook-delivery.entity.js';
import { toUpstreamRepository } from '../providers/github/github.provider.js';
import type { UpstreamRepository } from '../providers/provider.js';
import { RepositoriesRepository } from '../repositories.repository.js';
import { GitHubPushEvents } from './github-push-events.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';

type Json = Record<string, unknown>;

const asObject = (v: unknown): Json =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const asArray = (v: unknown): Json[] => (Array.isArray(v) ? v.map(asObject) : []);

/**
 * What a stored delivery does, applied exactly once: the delivery row is locked and its
 * effects commit in the same transaction that marks it processed.
 */
@Injectable()
export class WebhookEffectsService {
  constructor(
    @Inject(CONNECTIONS_CONFIG) private readonly config: ConnectionsConfig,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly connections: ConnectionsRepository,
    private readonly repositories: RepositoriesRepository,
    private readonly health: ConnectionHealthService,
    private readonly pushes: GitHubPushEvents,
  ) {}

  /** Processes one delivery; returns its final status (or null when it is gone or done). */
  async process(deliveryId: string): Promise<WebhookDeliveryStatus | null> {
    return this.connections.transaction(async (manager) => {
      const delivery = await this.deliveries.lock(manager, deliveryId);
      if (!delivery || delivery.status !== WebhookDeliveryStatus.Received) return null;
      const linked = delivery.externalId
        ? await this.connections.findByExternalId(
            delivery.service as ConnectionService,
            delivery.externalId,
            manager,
          )
        : [];
      let handled = false;
      for (const connection of linked) {
        const locked = await this.connections.lock(manager, connection.id);
        if (!locked) continue;
        const did =
          delivery.service === String(ConnectionService.GitHub)
            ? await this.github(manager, locked, delivery)
            : await this.slack(manager, locked, delivery);
        handled = handled || did;
      }
      const status = handled ? WebhookDeliveryStatus.Processed : WebhookDeliveryStatus.Ignored;
      await this.deliveries.finish(manager, deliveryId, status);
      return status;
    });
  }

  private transition(
    manager: EntityManager,
    connection: ServiceConnection,
    to: ConnectionStatus,
    reason: string,
  ) {
    return this.health.transition(manager, connection, {
      to,
      reason,
      cause: ConnectionEventCause.Webhook,
      actorId: null,
    });
  }

  private async github(
    manager: EntityManager,
    connection: ServiceConnection,
    delivery: WebhookDelivery,
  ): Promise<boolean> {
    const payload = asObject(delivery.payload);
    const action = delivery.action;
    switch (delivery.event) {
      case 'installation':
        if (action === 'deleted') {
          await this.transition(
            manager,
            connection,
            ConnectionStatus.Revoked,
            'the GitHub App was uninstalled',
          );
          return true;
        }
        if (action === 'suspend') {
          await this.transition(
            manager,
            connection,
            ConnectionStatus.Disabled,
            'the installation was suspended on GitHub',
          );
          return true;
        }
        if (action === 'unsuspend') {
          if (connection.status !== ConnectionStatus.Disabled) return false;
          await this.transition(
            manager,
            connection,
            ConnectionStatus.Active,
            'the installation was unsuspended on GitHub',
          );
          return true;
        }
        return false;
      case 'installation_repositories': {
        const added = asArray(payload.repositories_added).map((r) => this.fromWebhook(r));
        const removed = asArray(payload.repositories_removed).map((r) => String(r.id));
        await this.repositories.upsert(
          connection.organizationId,
          connection.id,
          'github',
          added,
          false,
          manager,
        );
        await this.repositories.deactivate(connection.id, removed, manager);
        return true;
      }
      case 'repository': {
        const repo = asObject(payload.repository);
        if (typeof repo.id !== 'number' || typeof repo.full_name !== 'string') return false;
        if (action === 'deleted' || action === 'transferred') {
          await this.repositories.deactivate(connection.id, [String(repo.id)], manager);
        } else {
          await this.repositories.upsert(
            connection.organizationId,
            connection.id,
            'github',
            [toUpstreamRepository(repo as never)],
            false,
            manager,
          );
        }
        return true;
      }
      case 'push': {
        const repo = asObject(payload.repository);
        if (typeof repo.id !== 'number' || typeof repo.full_name !== 'string') return false;
        const record = await this.repositories.findByExternalId(connection.id, String(repo.id));
        await this.pushes.publish({
          deliveryId: delivery.deliveryId,
          connectionId: connection.id,
          organizationId: connection.organizationId,
          repositoryId: record?.id ?? null,
          repositoryExternalId: String(repo.id),
          repositoryFullName: repo.full_name,
          ref: typeof payload.ref === 'string' ? payload.ref : '',
          before: typeof payload.before === 'string' ? payload.before : null,
          after: typeof payload.after === 'string' ? payload.after : null,
          commitCount: Array.isArray(payload.commits) ? payload.commits.length : 0,
          pusher:
            typeof asObject(payload.pusher).name === 'string'
              ? (asObject(payload.pusher).name as string)
              : null,
        });
        return true;
      }
      default:
        return false;
    }
  }

  /** installation_repositories lists id, full_name and private only; the URLs follow from GITHUB_WEB_URL. */
  private fromWebhook(repo: Json): UpstreamRepository {
    const fullName = String(repo.full_name);
    return {
      externalId: String(repo.id),
      fullName,
      defaultBranch: null,
      private: repo.private === true,
      htmlUrl: `${this.config.github.webUrl}/${fullName}`,
      cloneUrl: `${this.config.github.webUrl}/${fullName}.git`,
      archived: false,
    };
  }

  private async slack(
    manager: EntityManager,
    connection: ServiceConnection,
    delivery: WebhookDelivery,
  ): Promise<boolean> {
    if (delivery.event === 'app_uninstalled') {
      await this.transition(
        manager,
        connection,
        ConnectionStatus.Revoked,
        'the Slack app was uninstalled',
      );
      return true;
    }
    if (delivery.event === 'tokens_revoked') {
      await this.transition(
        manager,
        connection,
        ConnectionStatus.Revoked,
        'Slack revoked the tokens',
      );
      return true;
    }
    return false;
  }
}
