import { Module } from '@nestjs/common';
import { DatabasesController } from './databases/databases.controller.js';
import { MigrationsController } from './executions/migrations.controller.js';
import { OrchestratorHealthService } from './orchestrator-health.service.js';
import { OrchestratorJobsModule } from './orchestrator-jobs.module.js';
import { SchedulesController } from './schedules/schedules.controller.js';
import { SchedulesService } from './schedules/schedules.service.js';
import { TenantsController } from './tenants/tenants.controller.js';
import { TenantsService } from './tenants/tenants.service.js';

/** The migration orchestrator's HTTP API: /databases, /migrations, /tenants. */
@Module({
  imports: [OrchestratorJobsModule],
  controllers: [SchedulesController, MigrationsController, DatabasesController, TenantsController],
  providers: [SchedulesService, TenantsService, OrchestratorHealthService],
})
export class MigrationOrchestratorModule {}
