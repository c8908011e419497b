import { Injectable, Logger } from '@nestjs/common';
import { QueueProducer } from '../../queue/queue-producer.service.js';
import { JobName } from '../../queue/queue.constants.js';
import { OrchestratorErrorCode as C } from '../orchestrator.errors.js';
import { ExecutionStatus, FINISHED_EXECUTION, OnError } from '../orchestrator.types.js';
import { ExecutionsRepository } from './executions.repository.js';
import { LaneConnections, TargetRunner } from './target-runner.service.js';

export const laneJobId = (executionId: string, wave: number, lane: number) =>
  `lane-${executionId}-w${wave}-l${lane}`;

/**
 * Drives executions through BullMQ: an `advance` step (under the execution's row lock)
 * decides what runs next and enqueues up to `concurrency` lanes for the current wave;
 * each lane claims targets of that wave one at a time until none is left, then asks for
 * the next step. Waves run in order; a failure stops new targets under onError=stop, a
 * failed canary target stops every later wave.
 */
@Injectable()
export class Coordinator {
  private readonly logger = new Logger('MigrationExecutions');

  constructor(
    private readonly repo: ExecutionsRepository,
    private readonly runner: TargetRunner,
    private readonly producer: QueueProducer,
  ) {}

  async kick(executionId: string): Promise<void> {
    await this.producer.enqueue(JobName.MigrationAdvance, { executionId });
  }

  async advance(executionId: string): Promise<void> {
    const lanes: { wave: number; count: number } | undefined = await this.repo.withLockedExecution(
      executionId,
      async (m, e) => {
        if (FINISHED_EXECUTION.includes(e.status)) return undefined;
        const now = new Date();
        const patch: Parameters<ExecutionsRepository['saveExecution']>[2] = {};
        if (e.status === ExecutionStatus.Pending) {
          patch.status = ExecutionStatus.InProgress;
          patch.startedAt = now;
        }
        let waves = await this.repo.waveCounts(m, executionId);
        const failed = waves.reduce((n, w) => n + w.failed, 0);
        const canaryFailed = waves.some((w) => w.wave === 2 && w.failed > 0);
        let stopReason = e.stopReason;
        if (!stopReason && failed > 0 && canaryFailed) stopReason = 'a canary target failed';
        if (!stopReason && failed > 0 && e.onError === OnError.Stop)
          stopReason = 'a target failed (onError stop)';
        if (e.cancelRequested || stopReason) {
          await this.repo.skipPending(
            m,
            executionId,
            e.cancelRequested ? C.Cancelled : C.Stopped,
            e.cancelRequested
              ? 'The execution was cancelled before this target started.'
              : `Not started: ${stopReason}.`,
          );
          waves = await this.repo.waveCounts(m, executionId);
          patch.stopReason = stopReason;
        }
        const running = waves.reduce((n, w) => n + w.running, 0);
        if (running > 0) {
          await this.repo.saveExecution(m, executionId, patch);
          return undefined;
        }
        const next = waves.find((w) => w.pending > 0);
        if (next) {
          patch.currentWave = next.wave;
          await this.repo.saveExecution(m, executionId, patch);
          return { wave: next.wave, count: Math.min(e.concurrency, next.pending) };
        }
        const status = e.cancelRequested
          ? ExecutionStatus.Cancelled
          : stopReason
            ? ExecutionStatus.Failed
            : failed > 0
              ? ExecutionStatus.CompletedWithErrors
              : ExecutionStatus.Completed;
        await this.repo.saveExecution(m, executionId, {
          ...patch,
          status,
          finishedAt: now,
          currentTarget: null,
          errorMessage: stopReason ? `Stopped: ${stopReason}.` : null,
        });
        if (
          e.rollbackOf &&
          (status === ExecutionStatus.Completed || status === ExecutionStatus.CompletedWithErrors)
        ) {
          await this.repo.saveExecution(m, e.rollbackOf, { status: ExecutionStatus.RolledBack });
        }
        this.logger.log(`execution ${executionId} ${status}`);
        return undefined;
      },
    );
    if (!lanes) return;
    for (let i = 0; i < lanes.count; i++) {
      const jobId = laneJobId(executionId, lanes.wave, i);
      await this.producer.enqueue(
        JobName.MigrationLane,
        { executionId, wave: lanes.wave, lane: jobId },
        { jobId, attempts: 3 },
      );
    }
  }

  /** One lane: claims and migrates targets of its wave until none is left or it must stop. */
  async lane(executionId: string, wave: number, lane: string): Promise<void> {
    const execution = await this.repo.findById(executionId);
    if (!execution) return;
    const connections = new LaneConnections();
    try {
      for (;;) {
        // the claim itself starts nothing once the execution is stopping
        const target = await this.repo.claim(executionId, wave, lane);
        if (!target) break;
        await this.runner.run(execution, target, connections);
      }
    } finally {
      await connections.closeAll();
    }
    await this.kick(executionId);
  }

  /** A lane whose job failed for good: its claimed target is failed, and the execution moves on. */
  async laneLost(executionId: string, lane: string, reason: string): Promise<void> {
    await this.repo.failLaneTargets(
      executionId,
      lane,
      `The worker running this target failed: ${reason}`,
    );
    await this.kick(executionId);
  }
}
