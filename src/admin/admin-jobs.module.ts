import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AdminProcessor } from './admin.processor.js';
import { AdminScheduler } from './admin.scheduler.js';
import { StatsRollup } from './stats/stats-rollup.service.js';
import { Heartbeat } from './system/heartbeat.service.js';

/** What the admin console needs in every role: its jobs and this process's heartbeat. */
@Module({
  imports: [AuditModule],
  providers: [StatsRollup, AdminProcessor, AdminScheduler, Heartbeat],
  exports: [StatsRollup, Heartbeat],
})
export class AdminJobsModule {}
