import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import type { DatabaseRuntime } from './database-runtime.js';
import { MigrationRunner } from './migration-runner.js';
import { TypeOrmNestLogger } from './typeorm-logger.js';

export const DATABASE_RUNTIME = Symbol('DATABASE_RUNTIME');

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, runtime: DatabaseRuntime): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(runtime.url, config.database, `meridian-${config.role}`),
          retryAttempts: 0,
          logger: new TypeOrmNestLogger(),
        }),
      ],
      providers: [{ provide: DATABASE_RUNTIME, useValue: runtime }, MigrationRunner],
      exports: [DATABASE_RUNTIME, MigrationRunner],
    };
  }
}
