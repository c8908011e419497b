import { UnrecoverableError, type Job } from 'bullmq';
import { JobHandler, QueueProcessor } from '../queue/job-handler.decorator.js';
import { JobProcessor } from '../queue/job-processor.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import { ConnectionHealthService, type SweepStats } from './connection-health.service.js';
import { RepositorySyncService } from './repository-sync.service.js';
import type { SyncCounts } from './repositories.repository.js';
import { WebhookEffectsService } from './webhooks/webhook-effects.service.js';
import { WebhookIntakeService } from './webhooks/webhook-intake.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idOf(job: Job, key: string): string {
  const value = (job.data as Record<string, unknown>)[key];
  if (typeof value !== 'string' || !UUID.test(value))
    throw new UnrecoverableError(`${job.name} needs a ${key} (UUID)`);
  return value;
}

/** The connections queue: health sweep and checks, repository syncs, webhook deliveries. */
@QueueProcessor(QueueName.Connections, { concurrency: 8 })
export class ConnectionsProcessor extends JobProcessor {
  constructor(
    private readonly health: ConnectionHealthService,
    private readonly sync: RepositorySyncService,
    private readonly effects: WebhookEffectsService,
    private readonly intake: WebhookIntakeService,
  ) {
    super();
  }

  /** Every CONNECTION_HEALTH_INTERVAL_MS (ConnectionsScheduler); also re-enqueues lost deliveries. */
  @JobHandler(JobName.ConnectionsHealthSweep)
  async sweep(): Promise<SweepStats & { requeuedDeliveries: number }> {
    const requeuedDeliveries = await this.intake.requeueStale();
    return { ...(await this.health.sweep()), requeuedDeliveries };
  }

  @JobHandler(JobName.CheckConnection)
  async checkConnection(job: Job): Promise<{ status: string | null }> {
    const done = await this.health.check(idOf(job, 'connectionId'));
    return { status: done?.connection.status ?? null };
  }

  @JobHandler(JobName.SyncConnectionRepositories)
  syncRepositories(job: Job): Promise<SyncCounts | null> {
    return this.sync.syncInBackground(idOf(job, 'connectionId'));
  }

  @JobHandler(JobName.ProcessWebhookDelivery)
  async processWebhook(job: Job): Promise<{ status: string | null }> {
    return { status: await this.effects.process(idOf(job, 'deliveryId')) };
  }
}
