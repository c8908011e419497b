import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConnectionsConfig } from './connections.config.js';
import { ConnectionsRepository } from './connections.repository.js';
import { CONNECTIONS_CONFIG } from './connections.tokens.js';
import { afterCheck, CHECKED_STATUSES } from './connection-state.js';
import { CredentialVault } from './credential-vault.service.js';
import { ConnectionEventCause } from './entities/connection-event.entity.js';
import {
  ConnectionStatus,
  type HealthResult,
  type ServiceConnection,
} from './entities/service-connection.entity.js';
import { failureResult } from './providers/provider.js';
import { ProvidersRegistry } from './providers/providers.registry.js';

export interface Transition {
  to: ConnectionStatus;
  reason: string | null;
  cause: ConnectionEventCause;
  actorId: string | null;
}

export interface SweepStats {
  checked: number;
  peakConcurrency: number;
  durationMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Health checks, the state machine they drive, and every status transition with its event. */
@Injectable()
export class ConnectionHealthService {
  private readonly logger = new Logger('Connections');

  constructor(
    @Inject(CONNECTIONS_CONFIG) private readonly config: ConnectionsConfig,
    private readonly connections: ConnectionsRepository,
    private readonly vault: CredentialVault,
    private readonly providers: ProvidersRegistry,
  ) {}

  /** Sets a status and records the event, inside the caller's transaction (row locked). */
  async transition(
    manager: EntityManager,
    connection: ServiceConnection,
    t: Transition,
  ): Promise<ServiceConnection> {
    if (connection.status === t.to) return connection;
    await this.connections.update(manager, connection.id, {
      status: t.to,
      statusReason: t.reason,
      ...(t.to === ConnectionStatus.Active ? { consecutiveFailures: 0 } : {}),
    });
    await this.connections.insertEvent(manager, {
      connectionId: connection.id,
      organizationId: connection.organizationId,
      fromStatus: connection.status,
      toStatus: t.to,
      reason: t.reason,
      cause: t.cause,
      actorId: t.actorId,
    });
    return { ...connection, status: t.to, statusReason: t.reason };
  }

  /** Runs the provider's check; never throws for what the service answers. */
  async probe(connection: ServiceConnection): Promise<HealthResult> {
    const started = performance.now();
    try {
      const credential = await this.connections.findCredential(connection.id);
      if (!credential) return failureResult(started, new Error('no credential'));
      return await this.providers
        .get(connection.service)
        .check(connection, this.vault.handle(credential));
    } catch (err) {
      this.logger.warn(
        `check of connection ${connection.id} failed: ${err instanceof Error ? err.name : 'error'}`,
      );
      return failureResult(started, err);
    }
  }

  /**
   * Stores a result (last, bounded history) and, when `drive`, applies the state machine.
   * Returns the connection as it is afterwards.
   */
  async record(
    connectionId: string,
    result: HealthResult,
    drive = true,
  ): Promise<ServiceConnection | null> {
    return this.connections.transaction(async (manager) => {
      const connection = await this.connections.lock(manager, connectionId);
      if (!connection) return null;
      const history = [result, ...(connection.healthHistory ?? [])].slice(
        0,
        this.config.healthHistory,
      );
      const next = drive
        ? afterCheck(
            connection.status,
            connection.consecutiveFailures,
            result,
            this.config.failureThreshold,
          )
        : {
            status: connection.status,
            consecutiveFailures: connection.consecutiveFailures,
            reason: null,
          };
      await this.connections.recordHealth(manager, connectionId, result, history, {
        consecutiveFailures: next.consecutiveFailures,
      });
      const updated = {
        ...connection,
        lastHealth: result,
        healthHistory: history,
        consecutiveFailures: next.consecutiveFailures,
      };
      return this.transition(manager, updated, {
        to: next.status,
        reason: next.reason,
        cause: ConnectionEventCause.HealthCheck,
        actorId: null,
      });
    });
  }

  /** One check of one connection, driving its status. */
  async check(
    connectionId: string,
  ): Promise<{ connection: ServiceConnection; result: HealthResult } | null> {
    const connection = await this.connections.findById(connectionId);
    if (!connection) return null;
    const result = await this.probe(connection);
    const after = await this.record(connectionId, result);
    return after ? { connection: after, result } : null;
  }

  /**
   * Checks every pending, active, degraded or error connection, CONNECTION_HEALTH_CONCURRENCY
   * at a time, each slot starting after a random delay of up to CONNECTION_HEALTH_JITTER_MS.
   */
  async sweep(): Promise<SweepStats> {
    const started = performance.now();
    let afterId: string | null = null;
    let checked = 0;
    let running = 0;
    let peak = 0;
    const PAGE = 500;
    for (;;) {
      const ids = await this.connections.idsInStatuses(CHECKED_STATUSES, afterId, PAGE);
      if (ids.length === 0) break;
      afterId = ids[ids.length - 1];
      let next = 0;
      const slots = Math.min(this.config.healthConcurrency, ids.length);
      await Promise.all(
        Array.from({ length: slots }, async () => {
          if (this.config.healthJitterMs > 0)
            await sleep(Math.random() * this.config.healthJitterMs);
          while (next < ids.length) {
            const id = ids[next++];
            running++;
            peak = Math.max(peak, running);
            try {
              await this.check(id);
              checked++;
            } catch (err) {
              this.logger.warn(
                `health check of ${id} could not be recorded: ${err instanceof Error ? err.message : 'error'}`,
              );
            } finally {
              running--;
            }
          }
        }),
      );
      if (ids.length < PAGE) break;
    }
    return { checked, peakConcurrency: peak, durationMs: Math.round(performance.now() - started) };
  }
}
