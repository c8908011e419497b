import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppException } from '../core/errors/app.exception.js';
import { CoreErrorCode } from '../core/errors/error-codes.js';
import {
  decodeTimeIdCursor,
  DEFAULT_PAGE_SIZE,
  toPage,
  type PageDto,
} from '../core/pagination/page.js';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { JobName } from '../queue/queue.constants.js';
import { ConnectionAccess, MANAGE, READ } from './connection-access.service.js';
import { ConnectionHealthService } from './connection-health.service.js';
import { manualTargets } from './connection-state.js';
import type { ConnectionsConfig } from './connections.config.js';
import { ConnectionErrorCode, kindMismatch, transitionNotAllowed } from './connections.errors.js';
import { toConnectionDto, toConnectionEventDto, toHealthResultDto } from './connections.mapper.js';
import { ConnectionsRepository, type ConnectionFilter } from './connections.repository.js';
import { CONNECTIONS_CONFIG } from './connections.tokens.js';
import { CredentialVault } from './credential-vault.service.js';
import type {
  ConnectionDto,
  ConnectionEventDto,
  ConnectionHealthDto,
  CreateConnectionDto,
} from './dto/connection.dto.js';
import type { CredentialsInputDto } from './dto/credentials.dto.js';
import { ConnectionEventCause } from './entities/connection-event.entity.js';
import {
  ConnectionStatus,
  type ConnectionService,
  type ServiceConnection,
} from './entities/service-connection.entity.js';
import { CredentialKind } from './entities/service-credential.entity.js';
import {
  ProviderError,
  type CredentialInput,
  type ValidatedCredential,
} from './providers/provider.js';
import { ProvidersRegistry } from './providers/providers.registry.js';
import { RepositoriesRepository } from './repositories.repository.js';

const isUniqueViolation = (err: unknown): boolean =>
  (err as { code?: unknown; driverError?: { code?: unknown } })?.code === '23505' ||
  (err as { driverError?: { code?: unknown } })?.driverError?.code === '23505';

function fieldError(field: string, message: string): AppException {
  return new AppException(400, CoreErrorCode.ValidationFailed, message, {
    title: 'Validation failed',
    errors: [{ field, rule: 'credentialShape', message }],
  });
}

/** Turns the request's credential into a provider input, checking it fits the service. */
export function credentialInput(
  service: ConnectionService,
  kinds: readonly CredentialKind[],
  body: CredentialsInputDto,
): CredentialInput {
  if (!kinds.includes(body.kind))
    throw kindMismatch(
      service,
      body.kind,
      [...kinds].filter((k) => k !== CredentialKind.SlackOAuth),
    );
  if (body.kind === CredentialKind.GitHubAppInstallation) {
    if (body.token !== undefined)
      throw fieldError(
        'credentials.token',
        'credentials.token is not used with github_app_installation',
      );
    return { kind: body.kind, installationId: body.installationId! };
  }
  if (body.installationId !== undefined) {
    throw fieldError(
      'credentials.installationId',
      `credentials.installationId is not used with ${body.kind}`,
    );
  }
  return { kind: body.kind, token: body.token! };
}

/** Connections: create (checked with the service), read, list, status by hand, delete, credentials. */
@Injectable()
export class ConnectionsService {
  private readonly logger = new Logger('Connections');

  constructor(
    @Inject(CONNECTIONS_CONFIG) private readonly config: ConnectionsConfig,
    private readonly access: ConnectionAccess,
    private readonly connections: ConnectionsRepository,
    private readonly repositories: RepositoriesRepository,
    private readonly vault: CredentialVault,
    private readonly providers: ProvidersRegistry,
    private readonly health: ConnectionHealthService,
    private readonly producer: QueueProducer,
  ) {}

  /** Checks the credential with the service; refusals are 422, outages 503 (nothing stored). */
  private async validate(
    service: ConnectionService,
    input: CredentialInput,
  ): Promise<ValidatedCredential> {
    try {
      return await this.providers.get(service).validate(input, 'interactive');
    } catch (err) {
      if (err instanceof ProviderError) {
        if (err.code === 'GITHUB_APP_NOT_CONFIGURED') {
          throw new AppException(503, ConnectionErrorCode.GitHubAppNotConfigured, err.message);
        }
        throw err.toException();
      }
      throw err;
    }
  }

  async create(userId: string, body: CreateConnectionDto): Promise<ConnectionDto> {
    await this.access.requireOrganization(userId, body.organizationId, MANAGE);
    const provider = this.providers.get(body.service);
    const input = credentialInput(body.service, provider.kinds, body.credentials);
    const validated = await this.validate(body.service, input);
    const id = randomUUID();
    try {
      await this.connections.transaction((manager) =>
        this.connections.insert(
          manager,
          {
            id,
            organizationId: body.organizationId,
            service: body.service,
            name: body.name,
            status: ConnectionStatus.Active,
            statusReason: 'credential checked with the service',
            externalId: validated.externalId,
            settings: validated.settings,
            lastHealth: validated.health,
            healthHistory: [validated.health],
            createdBy: userId,
          },
          this.vault.row(id, validated),
          {
            connectionId: id,
            organizationId: body.organizationId,
            fromStatus: null,
            toStatus: ConnectionStatus.Active,
            reason: 'created',
            cause: ConnectionEventCause.User,
            actorId: userId,
          },
        ),
      );
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppException(
          409,
          ConnectionErrorCode.AlreadyExists,
          'The organization already has a connection to this installation or workspace.',
        );
      }
      throw err;
    }
    if (provider.hasRepositories) await this.enqueueSync(id);
    return this.get(userId, id);
  }

  /** Best effort: a sync that cannot be enqueued now happens on the next sync request. */
  async enqueueSync(connectionId: string): Promise<void> {
    try {
      await this.producer.enqueue(JobName.SyncConnectionRepositories, { connectionId });
    } catch {
      this.logger.warn(`could not enqueue the repository sync of ${connectionId}`);
    }
  }

  async get(userId: string, id: string): Promise<ConnectionDto> {
    const connection = await this.access.require(userId, id, READ);
    return toConnectionDto(connection, await this.connections.findCredential(id));
  }

  async list(
    userId: string,
    orgId: string,
    filter: ConnectionFilter,
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
  ): Promise<PageDto<ConnectionDto>> {
    await this.access.requireOrganization(userId, orgId, READ);
    const rows = await this.connections.listForOrganization(
      orgId,
      filter,
      cursor === undefined ? null : decodeTimeIdCursor(cursor),
      limit,
    );
    const credentials = await this.connections.credentialsFor(
      rows.slice(0, limit).map((r) => r.id),
    );
    return toPage(
      rows,
      limit,
      (c) => toConnectionDto(c, credentials.get(c.id) ?? null),
      (c) => [c.createdAt.toISOString(), c.id],
    );
  }

  /** Only the manual transitions: to disabled, and disabled -> active after a passing check. */
  async updateStatus(
    userId: string,
    id: string,
    to: ConnectionStatus,
    reason: string | undefined,
  ): Promise<ConnectionDto> {
    const current = await this.access.require(userId, id, MANAGE);
    const allowed = manualTargets(current.status);
    if (!allowed.includes(to)) throw transitionNotAllowed(current.status, to, allowed);
    if (to === ConnectionStatus.Active) {
      const result = await this.health.probe(current);
      await this.health.record(id, result, false);
      if (result.outcome !== 'pass') {
        throw new AppException(
          422,
          ConnectionErrorCode.CheckFailed,
          `The check before re-enabling failed (${result.code ?? 'failed'}): ${result.detail} The connection stays disabled.`,
          { extensions: { checkCode: result.code } },
        );
      }
    }
    await this.connections.transaction(async (manager) => {
      const locked = await this.connections.lock(manager, id);
      if (!locked) return;
      const stillAllowed = manualTargets(locked.status);
      if (!stillAllowed.includes(to)) throw transitionNotAllowed(locked.status, to, stillAllowed);
      await this.health.transition(manager, locked, {
        to,
        reason:
          reason ??
          (to === ConnectionStatus.Disabled ? 'disabled by a member' : 're-enabled by a member'),
        cause: ConnectionEventCause.User,
        actorId: userId,
      });
    });
    return this.get(userId, id);
  }

  /** Revokes upstream where the service allows it, then deletes the connection and credential. */
  async delete(userId: string, id: string): Promise<void> {
    const connection = await this.access.require(userId, id, MANAGE);
    const credential = await this.connections.findCredential(id);
    if (credential) {
      try {
        await this.providers
          .get(connection.service)
          .revoke(connection, this.vault.handle(credential));
      } catch {
        // The credential is deleted here either way; an upstream that cannot be told keeps
        // a token that no longer has a holder.
        this.logger.warn(`could not revoke the credential of connection ${id} upstream`);
      }
    }
    await this.connections.transaction(async (manager) => {
      const locked = await this.connections.lock(manager, id);
      if (!locked) return;
      await this.repositories.detachConnection(manager, id);
      await this.connections.insertEvent(manager, {
        connectionId: id,
        organizationId: locked.organizationId,
        fromStatus: locked.status,
        toStatus: 'deleted',
        reason: 'deleted by a member',
        cause: ConnectionEventCause.User,
        actorId: userId,
      });
      await this.connections.delete(manager, id);
    });
  }

  /** Replaces or rotates the credential, checked with the service first; a revoked connection becomes active. */
  async replaceCredentials(
    userId: string,
    id: string,
    body: CredentialsInputDto,
  ): Promise<ConnectionDto> {
    const connection = await this.access.require(userId, id, MANAGE);
    const provider = this.providers.get(connection.service);
    const input = credentialInput(connection.service, provider.kinds, body);
    const validated = await this.validate(connection.service, input);
    if (
      connection.externalId &&
      validated.externalId &&
      validated.externalId !== connection.externalId
    ) {
      throw new AppException(
        422,
        ConnectionErrorCode.CredentialRejected,
        'The credential belongs to another installation or workspace than this connection.',
      );
    }
    await this.connections.transaction(async (manager) => {
      const locked = await this.connections.lock(manager, id);
      if (!locked) return;
      await this.connections.replaceCredential(manager, this.vault.row(id, validated));
      await this.connections.update(manager, id, {
        settings: validated.settings,
        externalId: validated.externalId ?? locked.externalId,
        lastHealth: validated.health,
        healthHistory: [validated.health, ...locked.healthHistory].slice(
          0,
          this.config.healthHistory,
        ),
      });
      if (locked.status !== ConnectionStatus.Disabled) {
        await this.health.transition(manager, locked, {
          to: ConnectionStatus.Active,
          reason: 'new credentials checked with the service',
          cause: ConnectionEventCause.Credentials,
          actorId: userId,
        });
      }
    });
    return this.get(userId, id);
  }

  async events(
    userId: string,
    id: string,
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
  ): Promise<PageDto<ConnectionEventDto>> {
    const connection = await this.access.require(userId, id, READ);
    const rows = await this.connections.listEvents(
      connection.organizationId,
      id,
      cursor === undefined ? null : decodeTimeIdCursor(cursor),
      limit,
    );
    return toPage(rows, limit, toConnectionEventDto, (e) => [e.createdAt.toISOString(), e.id]);
  }

  /** The last result and the kept history; `refresh` runs a check now (rate-limited per connection). */
  async healthOf(userId: string, id: string, refresh: boolean): Promise<ConnectionHealthDto> {
    let connection: ServiceConnection | null = await this.access.require(userId, id, READ);
    if (refresh) {
      const waitMs = await this.connections.claimRefresh(id, this.config.healthRefreshMinMs);
      if (waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        throw new AppException(
          429,
          ConnectionErrorCode.RefreshTooSoon,
          `A check ran for this connection moments ago; try again in ${seconds} s.`,
          { headers: { 'retry-after': String(seconds) } },
        );
      }
      const result = await this.health.probe(connection);
      connection = await this.health.record(id, result);
      if (!connection)
        throw new AppException(404, ConnectionErrorCode.NotFound, 'No connection with this id.');
    }
    return {
      last: connection.lastHealth ? toHealthResultDto(connection.lastHealth) : null,
      history: (connection.healthHistory ?? []).map(toHealthResultDto),
    };
  }
}
