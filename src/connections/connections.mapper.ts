import type {
  ConnectionDto,
  ConnectionEventDto,
  HealthResultDto,
  RepositoryDto,
} from './dto/connection.dto.js';
import type { CredentialSummaryDto } from './dto/credentials.dto.js';
import type { ConnectionEvent } from './entities/connection-event.entity.js';
import type { RepositoryRecord } from './entities/repository.entity.js';
import type { HealthResult, ServiceConnection } from './entities/service-connection.entity.js';
import type { ServiceCredential } from './entities/service-credential.entity.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toCredentialSummary(
  credential: ServiceCredential | null,
): CredentialSummaryDto | null {
  if (!credential) return null;
  return {
    kind: credential.kind,
    hasSecret: credential.secretEncrypted !== null,
    last4: credential.secretLast4,
    expiresAt: iso(credential.expiresAt),
    lastRotatedAt: iso(credential.lastRotatedAt),
  };
}

export function toHealthResultDto(result: HealthResult): HealthResultDto {
  return {
    outcome: result.outcome,
    code: result.code,
    latencyMs: result.latencyMs,
    detail: result.detail,
    rateLimit: result.rateLimit,
    checkedAt: result.checkedAt,
  };
}

/** The one mapping of a connection: secrets never leave (only the credential summary). */
export function toConnectionDto(
  connection: ServiceConnection,
  credential: ServiceCredential | null,
): ConnectionDto {
  return {
    id: connection.id,
    organizationId: connection.organizationId,
    service: connection.service,
    name: connection.name,
    status: connection.status,
    statusReason: connection.statusReason,
    externalId: connection.externalId,
    settings: connection.settings,
    credential: toCredentialSummary(credential),
    lastHealth: connection.lastHealth ? toHealthResultDto(connection.lastHealth) : null,
    createdBy: connection.createdBy,
    createdAt: connection.createdAt.toISOString(),
    updatedAt: connection.updatedAt.toISOString(),
  };
}

export function toConnectionEventDto(event: ConnectionEvent): ConnectionEventDto {
  return {
    id: event.id,
    from: event.fromStatus,
    to: event.toStatus,
    reason: event.reason,
    cause: event.cause,
    actorId: event.actorId,
    at: event.createdAt.toISOString(),
  };
}

export function toRepositoryDto(repo: RepositoryRecord): RepositoryDto {
  return {
    id: repo.id,
    connectionId: repo.connectionId,
    provider: repo.provider,
    externalId: repo.externalId,
    fullName: repo.fullName,
    defaultBranch: repo.defaultBranch,
    private: repo.private,
    htmlUrl: repo.htmlUrl,
    cloneUrl: repo.cloneUrl,
    archived: repo.archived,
    active: repo.active,
    syncedAt: iso(repo.syncedAt),
  };
}
