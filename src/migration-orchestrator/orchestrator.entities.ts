import { ExecutionTarget } from './executions/execution-target.entity.js';
import { Execution } from './executions/execution.entity.js';
import { MigrationSchedule } from './schedules/schedule.entity.js';
import { TargetDatabase } from './target-database.entity.js';
import { WorkerHeartbeat } from './worker-heartbeat.entity.js';

/** The orchestrator's tables in Meridian's own database. */
export const ORCHESTRATOR_ENTITIES = [
  TargetDatabase,
  Execution,
  ExecutionTarget,
  MigrationSchedule,
  WorkerHeartbeat,
];
