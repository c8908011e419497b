import { Injectable } from '@nestjs/common';
import { decodeTimeIdCursor, toPage, type PageDto } from '../../core/pagination/page.js';
import { QueueProducer } from '../../queue/queue-producer.service.js';
import { JobName, QueueName } from '../../queue/queue.constants.js';
import type { CreateScheduleDto, ScheduleDto, UpdateScheduleDto } from '../dto/schedule.dto.js';
import { scheduleNotFound, targetRequired } from '../orchestrator.errors.js';
import { MigrationScope, OnError } from '../orchestrator.types.js';
import { checkTiming, nextCronRun } from './schedule-timing.js';
import type { MigrationSchedule } from './schedule.entity.js';
import { SchedulesRepository } from './schedules.repository.js';

const schedulerId = (id: string) => `migration-schedule-${id}`;
const onceJobId = (id: string) => `migration-once-${id}`;

function toDto(s: MigrationSchedule): ScheduleDto {
  let nextRunAt: string | null = null;
  if (s.enabled) {
    nextRunAt = s.cronExpression
      ? nextCronRun(s.cronExpression, s.timezone).toISOString()
      : (s.runAt?.toISOString() ?? null);
  }
  return {
    id: s.id,
    name: s.name,
    scope: s.scope,
    filters: s.filters,
    target: s.target,
    concurrency: s.concurrency,
    onError: s.onError,
    canary: s.canary,
    cronExpression: s.cronExpression,
    timezone: s.timezone,
    runAt: s.runAt?.toISOString() ?? null,
    enabled: s.enabled,
    nextRunAt,
    createdBy: s.createdBy,
    lastRunAt: s.lastRunAt?.toISOString() ?? null,
    lastExecutionId: s.lastExecutionId,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** Schedules: rows in PostgreSQL, run by BullMQ job schedulers (cron) or delayed jobs (one-off). */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly repo: SchedulesRepository,
    private readonly producer: QueueProducer,
  ) {}

  private async sync(s: MigrationSchedule): Promise<void> {
    const queue = this.producer.queue(QueueName.Migrations);
    await queue.removeJobScheduler(schedulerId(s.id));
    await queue.remove(onceJobId(s.id)).catch(() => 0);
    if (!s.enabled) return;
    const data = { scheduleId: s.id };
    if (s.cronExpression) {
      await queue.upsertJobScheduler(
        schedulerId(s.id),
        { pattern: s.cronExpression, tz: s.timezone },
        {
          name: JobName.MigrationScheduledRun,
          data,
          opts: { removeOnComplete: 100, removeOnFail: 100 },
        },
      );
    } else if (s.runAt) {
      await queue.add(JobName.MigrationScheduledRun, data, {
        jobId: onceJobId(s.id),
        delay: Math.max(0, s.runAt.getTime() - Date.now()),
        removeOnComplete: 100,
        removeOnFail: 100,
      });
    }
  }

  async create(body: CreateScheduleDto, createdBy: string): Promise<ScheduleDto> {
    if (body.scope === MigrationScope.Single && !body.target) throw targetRequired();
    const tz = body.timezone ?? 'UTC';
    const runAt = body.runAt ? new Date(body.runAt) : null;
    checkTiming(body.cronExpression ?? null, runAt, tz);
    const saved = await this.repo.create({
      name: body.name,
      scope: body.scope,
      filters: body.filters ?? {},
      target: body.target ?? null,
      concurrency: body.concurrency ?? null,
      onError: body.onError ?? OnError.Stop,
      canary: body.canary ?? 0,
      cronExpression: body.cronExpression ?? null,
      timezone: tz,
      runAt,
      enabled: body.enabled ?? true,
      createdBy,
    });
    try {
      await this.sync(saved);
    } catch (err) {
      await this.repo.remove(saved.id);
      throw err;
    }
    return toDto(saved);
  }

  async list(cursor: string | undefined, limit = 20): Promise<PageDto<ScheduleDto>> {
    const rows = await this.repo.listPage(
      cursor ? decodeTimeIdCursor(cursor) : undefined,
      limit + 1,
    );
    return toPage(rows, limit, toDto, (r) => [r.createdAt.toISOString(), r.id]);
  }

  async get(id: string): Promise<ScheduleDto> {
    const s = await this.repo.findById(id);
    if (!s) throw scheduleNotFound();
    return toDto(s);
  }

  async update(id: string, body: UpdateScheduleDto): Promise<ScheduleDto> {
    const s = await this.repo.findById(id);
    if (!s) throw scheduleNotFound();
    const cron =
      body.cronExpression !== undefined
        ? body.cronExpression
        : body.runAt !== undefined
          ? null
          : s.cronExpression;
    const runAt =
      body.runAt !== undefined
        ? new Date(body.runAt)
        : body.cronExpression !== undefined
          ? null
          : s.runAt;
    const tz = body.timezone ?? s.timezone;
    const scope = body.scope ?? s.scope;
    const target = body.target ?? s.target;
    if (scope === MigrationScope.Single && !target) throw targetRequired();
    const enabled = body.enabled ?? s.enabled;
    if (
      cron !== s.cronExpression ||
      runAt?.getTime() !== s.runAt?.getTime() ||
      tz !== s.timezone ||
      enabled
    )
      checkTiming(cron, runAt, tz);
    const updated = (await this.repo.update(id, {
      name: body.name ?? s.name,
      scope,
      filters: body.filters ?? s.filters,
      target,
      concurrency: body.concurrency ?? s.concurrency,
      onError: body.onError ?? s.onError,
      canary: body.canary ?? s.canary,
      cronExpression: cron,
      runAt,
      timezone: tz,
      enabled,
    }))!;
    await this.sync(updated);
    return toDto(updated);
  }

  async remove(id: string): Promise<void> {
    const s = await this.repo.findById(id);
    if (!s) throw scheduleNotFound();
    await this.sync({ ...s, enabled: false });
    await this.repo.remove(id);
  }
}
