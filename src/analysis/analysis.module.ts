import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { AuditModule } from '../audit/audit.module.js';
import { ConnectionsCoreModule } from '../connections/connections.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { AnalysisContributions } from './analysis-contributions.js';
import { AnalysisController } from './analysis.controller.js';
import { ANALYSIS_ENTITIES } from './analysis.entities.js';
import { AnalysisProcessor } from './analysis.processor.js';
import { AnalysisRepository, AnalysisStateRepository } from './analysis.repository.js';
import { AnalysisRunner } from './analysis-runner.service.js';
import { AnalysisService } from './analysis.service.js';
import { AnalysisSweeper } from './analysis-sweeper.service.js';
import { ANALYSIS_CONFIG } from './analysis.tokens.js';
import { GitHubMetadata } from './github-metadata.service.js';
import { RepositoriesController } from './repositories.controller.js';
import { RepositoriesService } from './repositories.service.js';
import { RepositoryAccess } from './repository-access.service.js';

const CONFIG = {
  provide: ANALYSIS_CONFIG,
  inject: [APP_CONFIG],
  useFactory: (c: AppConfig) => c.analysis,
};

/** The analysis queue's worker and the sweep of lost runs: mounted in every role. */
@Module({
  imports: [TypeOrmModule.forFeature(ANALYSIS_ENTITIES), ConnectionsCoreModule],
  providers: [
    CONFIG,
    AnalysisRepository,
    AnalysisStateRepository,
    AnalysisRunner,
    AnalysisSweeper,
    AnalysisProcessor,
    AnalysisContributions,
  ],
  exports: [CONFIG, AnalysisRepository, AnalysisSweeper, ConnectionsCoreModule],
})
export class AnalysisJobsModule {}

/** Repository analysis's HTTP API (api and all roles). */
@Module({
  imports: [AnalysisJobsModule, OrganizationsModule, AuditModule],
  controllers: [RepositoriesController, AnalysisController],
  providers: [RepositoryAccess, GitHubMetadata, AnalysisService, RepositoriesService],
})
export class AnalysisModule {}
