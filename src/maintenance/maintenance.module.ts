import { Module } from '@nestjs/common';
import { MaintenanceProcessor } from './maintenance.processor.js';
import { MaintenanceScheduler } from './maintenance.scheduler.js';
import { QueueCleanupService } from './queue-cleanup.service.js';

@Module({
  providers: [QueueCleanupService, MaintenanceProcessor, MaintenanceScheduler],
  exports: [QueueCleanupService],
})
export class MaintenanceModule {}
