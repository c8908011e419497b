import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { AgentGrant } from './agent-grant.entity.js';
import { AgentGrantsController } from './agent-grants.controller.js';
import { AgentGrantsRepository } from './agent-grants.repository.js';
import { AgentGrantsService } from './agent-grants.service.js';
import { AgentSeeder } from './agent-seeder.service.js';
import { Agent } from './agent.entity.js';
import { AgentsAdminController } from './agents-admin.controller.js';
import { AgentsAdminService } from './agents-admin.service.js';
import { AgentsController } from './agents.controller.js';
import { AgentsRepository } from './agents.repository.js';
import { AgentsService } from './agents.service.js';
import { UsageDaily } from './usage-daily.entity.js';
import { UsageController } from './usage.controller.js';
import { UsageRepository } from './usage.repository.js';
import { UsageService } from './usage.service.js';

/**
 * The agent registry (seeded on first start from AGENTS_SEED), access rules (premium role
 * or grant), per-day usage and daily limits. The chat uses AgentsService.resolveForChat,
 * UsageService.assertWithinLimit and UsageService.record.
 *
 * Account deletion: a user's grants and usage rows go with the user by FK cascade
 * (agent_grants.user_id, usage_daily.user_id), so this module registers no
 * UserDeletionHook. `agent_grants.granted_by` has no FK and keeps a deleted admin's id.
 */
@Module({
  imports: [UsersModule, TypeOrmModule.forFeature([Agent, AgentGrant, UsageDaily])],
  controllers: [AgentsController, AgentsAdminController, AgentGrantsController, UsageController],
  providers: [
    AgentsRepository,
    AgentGrantsRepository,
    UsageRepository,
    AgentsService,
    AgentsAdminService,
    AgentGrantsService,
    UsageService,
    AgentSeeder,
  ],
  exports: [AgentsService, UsageService],
})
export class AgentsModule {}
