import { Injectable, Logger } from '@nestjs/common';
import { AppException } from '../../core/errors/app.exception.js';
import { ExecutionsService } from '../executions/executions.service.js';
import { SchedulesRepository } from './schedules.repository.js';

/** Runs a schedule: an ordinary execution whose executor is the schedule. */
@Injectable()
export class ScheduleRunner {
  private readonly logger = new Logger('MigrationSchedules');

  constructor(
    private readonly repo: SchedulesRepository,
    private readonly executions: ExecutionsService,
  ) {}

  async run(scheduleId: string): Promise<void> {
    const s = await this.repo.findById(scheduleId);
    if (!s || !s.enabled) return;
    try {
      const execution = await this.executions.start(
        {
          scope: s.scope,
          filters: s.filters,
          target: s.target ?? undefined,
          concurrency: s.concurrency ?? undefined,
          onError: s.onError,
          canary: s.canary,
        },
        { executedBy: `schedule:${s.id}`, scheduleId: s.id },
      );
      await this.repo.update(s.id, {
        lastRunAt: new Date(),
        lastExecutionId: execution.id,
        ...(s.runAt && { enabled: false }),
      });
      this.logger.log(`schedule ${s.id} started execution ${execution.id}`);
    } catch (err) {
      if (!(err instanceof AppException)) throw err;
      // Nothing matched, or the target is gone: the run is recorded as skipped.
      await this.repo.update(s.id, { lastRunAt: new Date(), ...(s.runAt && { enabled: false }) });
      this.logger.warn(`schedule ${s.id} did not start an execution: ${err.code}: ${err.detail}`);
    }
  }
}
