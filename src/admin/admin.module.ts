import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminAccessGuard } from './access/admin-access.guard.js';
import { TokenIntrospection } from './access/token-introspection.service.js';
import { AdminJobsModule } from './admin-jobs.module.js';
import { DependencyChecks } from './health/dependency-checks.service.js';
import {
  HealthDetailsController,
  HealthSummaryController,
} from './health/health-details.controller.js';
import { AdminAuditController } from './audit/admin-audit.controller.js';
import { AdminAuditService } from './audit/admin-audit.service.js';
import { AdminQueuesController } from './queues/admin-queues.controller.js';
import { DashboardSessions } from './queues/dashboard-session.service.js';
import { KeycloakRealm } from './keycloak/keycloak-realm.service.js';
import { AdminStatsController } from './stats/admin-stats.controller.js';
import { AdminStatsService } from './stats/admin-stats.service.js';
import { StatsCache } from './stats/stats-cache.js';
import { StatsRepository } from './stats/stats.repository.js';
import { AdminSystemController } from './system/admin-system.controller.js';
import { AdminSystemService } from './system/admin-system.service.js';
import { AdminUserActionsController } from './users/admin-user-actions.controller.js';
import { AdminUsersController } from './users/admin-users.controller.js';
import { AdminUsersRepository } from './users/admin-users.repository.js';
import { DeleteUserUseCase } from './users/delete-user.use-case.js';
import { ListUsersUseCase } from './users/list-users.use-case.js';
import { UserAccessUseCase } from './users/user-access.use-case.js';
import { UserChange } from './users/user-change.js';
import { UserDetailUseCase } from './users/user-detail.use-case.js';
import { UserMailsUseCase } from './users/user-mails.use-case.js';
import { UserRolesUseCase } from './users/user-roles.use-case.js';

/** The admin console API: users, statistics, audit log, system and failed jobs. */
@Module({
  imports: [AuthModule, UsersModule, AuditModule, AdminJobsModule],
  controllers: [
    AdminUsersController,
    AdminUserActionsController,
    AdminStatsController,
    AdminAuditController,
    AdminSystemController,
    HealthSummaryController,
    HealthDetailsController,
    AdminQueuesController,
  ],
  providers: [
    TokenIntrospection,
    AdminAccessGuard,
    KeycloakRealm,
    AdminUsersRepository,
    UserChange,
    ListUsersUseCase,
    UserDetailUseCase,
    UserRolesUseCase,
    UserAccessUseCase,
    UserMailsUseCase,
    DeleteUserUseCase,
    StatsRepository,
    StatsCache,
    AdminStatsService,
    AdminAuditService,
    AdminSystemService,
    DependencyChecks,
    DashboardSessions,
  ],
  exports: [TokenIntrospection, AdminAccessGuard],
})
export class AdminModule {}
