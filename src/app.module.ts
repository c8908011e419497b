import { Module, type DynamicModule } from '@nestjs/common';
import { AccountPagesModule } from './account-pages/account-pages.module.js';
import { AdminJobsModule } from './admin/admin-jobs.module.js';
import { AdminModule } from './admin/admin.module.js';
import { AgentsModule } from './agents/agents.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ChatModule } from './conversations/chat/chat.module.js';
import { AnalysisJobsModule, AnalysisModule } from './analysis/analysis.module.js';
import { AppRole, type AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConnectionsJobsModule, ConnectionsModule } from './connections/connections.module.js';
import { ConversationsJobsModule } from './conversations/conversations-jobs.module.js';
import { ConversationsModule } from './conversations/conversations.module.js';
import { CoreModule } from './core/core.module.js';
import { DatabaseModule } from './database/database.module.js';
import type { DatabaseRuntime } from './database/database-runtime.js';
import { EncryptionAdminModule } from './encryption/encryption-admin.module.js';
import { EncryptionModule } from './encryption/encryption.module.js';
import { HealthModule } from './health/health.module.js';
import { MailAdminModule } from './mail/mail-admin.module.js';
import { MailModule } from './mail/mail.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';
import { MigrationOrchestratorModule } from './migration-orchestrator/orchestrator.module.js';
import { OrchestratorJobsModule } from './migration-orchestrator/orchestrator-jobs.module.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import type { QueueConnection } from './queue/queue-connection.js';
import { QueueModule } from './queue/queue.module.js';

/** Feature modules with HTTP APIs: mounted in the api and all roles only. */
const API_MODULES: DynamicModule['imports'] = [
  AuthModule,
  MailAdminModule,
  OrganizationsModule,
  AgentsModule,
  ConversationsModule,
  ChatModule,
  ConnectionsModule,
  AccountPagesModule,
  MigrationOrchestratorModule,
  EncryptionAdminModule,
  AdminModule,
  AnalysisModule,
];

@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    database: DatabaseRuntime,
    queue: QueueConnection,
    extra: NonNullable<DynamicModule['imports']> = [],
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, database),
        EncryptionModule,
        QueueModule.forRoot(queue),
        CoreModule,
        HealthModule,
        MaintenanceModule,
        MailModule,
        ConversationsJobsModule,
        OrchestratorJobsModule,
        ConnectionsJobsModule,
        AdminJobsModule,
        AnalysisJobsModule,
        ...(config.role === AppRole.Worker ? [] : (API_MODULES ?? [])),
        ...extra,
      ],
    };
  }
}
