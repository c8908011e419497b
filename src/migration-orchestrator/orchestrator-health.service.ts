import { Injectable } from '@nestjs/common';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { QueueName } from '../queue/queue.constants.js';
import { DatabasesRepository } from './databases/databases.repository.js';
import type { OrchestratorHealthDto, QueueHealthDto } from './dto/health.dto.js';
import { ExecutionsRepository } from './executions/executions.repository.js';
import { WorkerHeartbeatService } from './worker-heartbeat.service.js';

const QUEUE_CHECK_MS = 2_000;

/** GET /migrations/health: queue, workers, registry counts, the last execution's outcome. */
@Injectable()
export class OrchestratorHealthService {
  constructor(
    private readonly producer: QueueProducer,
    private readonly heartbeats: WorkerHeartbeatService,
    private readonly databases: DatabasesRepository,
    private readonly executions: ExecutionsRepository,
  ) {}

  private async queue(): Promise<QueueHealthDto> {
    let timer: NodeJS.Timeout | undefined;
    const counts = this.producer
      .queue(QueueName.Migrations)
      .getJobCounts('waiting', 'active', 'delayed', 'failed');
    try {
      const c = await Promise.race([
        counts,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), QUEUE_CHECK_MS);
        }),
      ]);
      return {
        reachable: true,
        waiting: c.waiting ?? 0,
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
      };
    } catch {
      counts.catch(() => undefined);
      return { reachable: false, waiting: null, active: null, delayed: null, failed: null };
    } finally {
      clearTimeout(timer);
    }
  }

  async health(): Promise<OrchestratorHealthDto> {
    const [queue, replicas, registry, last] = await Promise.all([
      this.queue(),
      this.heartbeats.recent(),
      this.databases.counts(),
      this.executions.latest(),
    ]);
    return {
      status: queue.reachable && replicas.length > 0 ? 'ok' : 'degraded',
      queue,
      workers: {
        recent: replicas.length,
        replicas: replicas.map((r) => ({
          id: r.id,
          lastSeenAt: r.seenAt.toISOString(),
          startedAt: r.startedAt.toISOString(),
        })),
      },
      registry,
      lastExecution: last
        ? {
            id: last.id,
            status: last.status,
            createdAt: last.createdAt.toISOString(),
            completedAt: last.finishedAt?.toISOString() ?? null,
          }
        : null,
    };
  }
}
