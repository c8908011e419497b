import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogService } from './catalog/catalog.service.js';
import { DatabasesRepository } from './databases/databases.repository.js';
import { DatabasesService } from './databases/databases.service.js';
import { Coordinator } from './executions/coordinator.service.js';
import { ExecutionsRepository } from './executions/executions.repository.js';
import { ExecutionsService } from './executions/executions.service.js';
import { PlannerService } from './executions/planner.service.js';
import { TargetRunner } from './executions/target-runner.service.js';
import { OrchestratorContributions } from './orchestrator-contributions.js';
import { ORCHESTRATOR_ENTITIES } from './orchestrator.entities.js';
import { OrchestratorProcessor } from './orchestrator.processor.js';
import { ScheduleRunner } from './schedules/schedule-runner.service.js';
import { SchedulesRepository } from './schedules/schedules.repository.js';
import { TargetInspector } from './target/target-inspector.js';
import { WorkerHeartbeatService } from './worker-heartbeat.service.js';

/**
 * The orchestrator's engine: registry, catalog, planner, executions and the migrations
 * queue's worker. Mounted in every role (workers run the jobs); the HTTP API is
 * MigrationOrchestratorModule (api roles only).
 */
@Module({
  imports: [TypeOrmModule.forFeature(ORCHESTRATOR_ENTITIES)],
  providers: [
    CatalogService,
    DatabasesRepository,
    DatabasesService,
    TargetInspector,
    ExecutionsRepository,
    PlannerService,
    TargetRunner,
    Coordinator,
    ExecutionsService,
    SchedulesRepository,
    ScheduleRunner,
    WorkerHeartbeatService,
    OrchestratorProcessor,
    OrchestratorContributions,
  ],
  exports: [
    CatalogService,
    DatabasesRepository,
    DatabasesService,
    TargetInspector,
    ExecutionsRepository,
    PlannerService,
    ExecutionsService,
    SchedulesRepository,
    WorkerHeartbeatService,
  ],
})
export class OrchestratorJobsModule {}
