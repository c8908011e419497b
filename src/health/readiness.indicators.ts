import { Inject, Injectable } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import {
  HealthIndicatorService,
  TypeOrmHealthIndicator,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { ShutdownState } from '../core/http/shutdown-state.js';
import { MigrationRunner } from '../database/migration-runner.js';
import { QueueName } from '../queue/queue.constants.js';

const CHECK_TIMEOUT_MS = 2_000;

/** The indicators behind /health/ready. */
@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly migrations: MigrationRunner,
    private readonly shutdown: ShutdownState,
    @Inject(getQueueToken(QueueName.Maintenance)) private readonly queue: Queue,
  ) {}

  all(): HealthIndicatorFunction[] {
    return [
      () => {
        const check = this.indicators.check('shutdown');
        return this.shutdown.shuttingDown ? check.down('shutting down') : check.up();
      },
      () => this.db.pingCheck('database').withTimeout(CHECK_TIMEOUT_MS),
      () =>
        this.indicators
          .check('migrations')
          .attempt(async () => {
            if (!(await this.migrations.allApplied())) throw new Error('migrations are pending');
          })
          .withTimeout(CHECK_TIMEOUT_MS),
      () =>
        this.indicators
          .check('queue')
          .attempt(async () => {
            await this.queue.getJobCountByTypes('waiting');
          })
          .withTimeout(CHECK_TIMEOUT_MS),
    ];
  }
}
