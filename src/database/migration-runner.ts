import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';

/** Arbitrary constant naming Meridian's migration lock among the server's advisory locks. */
const MIGRATION_LOCK_KEY = 7_312_004_211;
const STATUS_TTL_MS = 30_000;

/**
 * Applies pending migrations at start-up (MIGRATIONS_RUN, default on) under an advisory
 * lock, so replicas starting together apply them once; answers readiness's question
 * whether every migration is applied.
 */
@Injectable()
export class MigrationRunner implements OnModuleInit {
  private readonly logger = new Logger('Migrations');
  private appliedAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.database.runMigrations) return;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      if (applied.length > 0) this.logger.log(`applied ${applied.map((m) => m.name).join(', ')}`);
    } finally {
      await runner
        .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
        .catch(() => undefined);
      await runner.release();
    }
  }

  /** True when no migration is pending (a positive answer is reused for 30 s). */
  async allApplied(): Promise<boolean> {
    if (Date.now() - this.appliedAt < STATUS_TTL_MS) return true;
    const pending = await this.dataSource.showMigrations();
    if (!pending) this.appliedAt = Date.now();
    return !pending;
  }
}
