import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuditAction, AuditTargetType } from '../../audit/audit-actions.js';
import { AuditService } from '../../audit/audit.service.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../core/errors/app.exception.js';
import { DATABASE_RUNTIME } from '../../database/database.module.js';
import type { DatabaseRuntime } from '../../database/database-runtime.js';
import { QUEUE_CONNECTION } from '../../queue/queue.module.js';
import type { QueueConnection } from '../../queue/queue-connection.js';
import { QueueProducer } from '../../queue/queue-producer.service.js';
import type { QueueName } from '../../queue/queue.constants.js';
import { AdminErrorCode } from '../admin.errors.js';
import { buildInfo } from './build-info.js';
import type { FailedJobDto, FailedJobsDto, SystemInfoDto } from './dto/system.dto.js';
import { REPLICA_SEEN_MS } from './heartbeat.service.js';
import { poolFigures, queueFigures } from './runtime-figures.js';

const QUEUE_TIMEOUT_MS = 2_000;

const toFailedJob = (queue: string, job: Job): FailedJobDto => ({
  queue,
  id: String(job.id),
  name: job.name,
  attemptsMade: job.attemptsMade,
  failedReason: job.failedReason ? job.failedReason.slice(0, 500) : null,
  createdAt: new Date(job.timestamp).toISOString(),
  failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
});

/** What the system is running, and the failed jobs of its queues. */
@Injectable()
export class AdminSystemService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: QueueProducer,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_RUNTIME) private readonly database: DatabaseRuntime,
    @Inject(QUEUE_CONNECTION) private readonly queue: QueueConnection,
  ) {}

  async info(): Promise<SystemInfoDto> {
    const build = buildInfo();
    const [replicas, queues] = await Promise.all([
      this.dataSource.query<
        {
          id: string;
          role: string;
          hostname: string;
          pid: number;
          version: string;
          started_at: Date;
          seen_at: Date;
        }[]
      >(
        `SELECT id, role, hostname, pid, version, started_at, seen_at FROM app_replicas
          WHERE seen_at >= now() - make_interval(secs => $1::float / 1000) ORDER BY started_at, id`,
        [REPLICA_SEEN_MS],
      ),
      queueFigures(this.producer.all(), QUEUE_TIMEOUT_MS),
    ]);
    return {
      version: build.version,
      commit: build.commit,
      builtAt: build.builtAt,
      environment: this.config.env,
      uptimeSeconds: Math.round(process.uptime() * 10) / 10,
      node: process.version,
      role: this.config.role,
      replicas: replicas.map((r) => ({
        id: r.id,
        role: r.role,
        hostname: r.hostname,
        pid: r.pid,
        version: r.version,
        startedAt: r.started_at.toISOString(),
        seenAt: r.seen_at.toISOString(),
      })),
      database: {
        mode: this.database.mode,
        pool: poolFigures(this.dataSource, this.config.database.poolSize),
      },
      queue: { backend: this.queue.kind, queues },
    };
  }

  async failed(queueName: string | undefined, limit = 20): Promise<FailedJobsDto> {
    const queues = this.producer.all().filter((q) => !queueName || q.name === queueName);
    const totals: Record<string, number> = {};
    const items: FailedJobDto[] = [];
    for (const queue of queues) {
      totals[queue.name] = await queue.getFailedCount();
      const jobs = await queue.getFailed(0, limit - 1);
      items.push(
        ...jobs.filter((j): j is Job => Boolean(j)).map((j) => toFailedJob(queue.name, j)),
      );
    }
    return { items, totals };
  }

  private async failedJob(queueName: string, id: string): Promise<Job> {
    const queue = this.producer.all().find((q) => q.name === queueName);
    if (!queue)
      throw new AppException(404, AdminErrorCode.QueueNotFound, 'No queue has this name.');
    const job = (await queue.getJob(id)) as Job | undefined;
    if (!job) throw new AppException(404, AdminErrorCode.JobNotFound, 'No job has this id.');
    if (!(await job.isFailed())) {
      throw new AppException(409, AdminErrorCode.JobNotFailed, 'This job has not failed.');
    }
    return job;
  }

  async retry(actorId: string, queueName: QueueName, id: string): Promise<void> {
    const job = await this.failedJob(queueName, id);
    await job.retry('failed');
    await this.audit.recordNow({
      action: AuditAction.FailedJobRetried,
      actorId,
      target: { type: AuditTargetType.Job, id: `${queueName}:${id}` },
      before: { name: job.name, attemptsMade: job.attemptsMade },
    });
  }

  async remove(actorId: string, queueName: QueueName, id: string): Promise<void> {
    const job = await this.failedJob(queueName, id);
    await job.remove();
    await this.audit.recordNow({
      action: AuditAction.FailedJobRemoved,
      actorId,
      target: { type: AuditTargetType.Job, id: `${queueName}:${id}` },
      before: { name: job.name, attemptsMade: job.attemptsMade, failedReason: job.failedReason },
    });
  }
}
