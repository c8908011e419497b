import { Injectable } from '@nestjs/common';
import { decodeCursor, toPage, type PageDto } from '../../core/pagination/page.js';
import { DatabasesRepository } from '../databases/databases.repository.js';
import { DatabasesService } from '../databases/databases.service.js';
import type { ExecutionDto } from '../dto/execution.dto.js';
import type { TenantDto, TenantHistoryDto } from '../dto/tenant.dto.js';
import { ExecutionsService, type Executor } from '../executions/executions.service.js';
import { PlannerService } from '../executions/planner.service.js';
import { databaseUnreachable, tenantNotFound } from '../orchestrator.errors.js';
import { DatabaseType, MigrationScope } from '../orchestrator.types.js';
import type { TargetDatabase } from '../target-database.entity.js';
import { replay } from '../target/history.js';
import { TargetInspector } from '../target/target-inspector.js';

/** Tenants: tenant databases with a fixed schema, and each schema of a pattern entry. */
@Injectable()
export class TenantsService {
  constructor(
    private readonly planner: PlannerService,
    private readonly repo: DatabasesRepository,
    private readonly databases: DatabasesService,
    private readonly inspector: TargetInspector,
    private readonly executions: ExecutionsService,
  ) {}

  async list(cursor: string | undefined, limit = 20): Promise<PageDto<TenantDto>> {
    const after = cursor ? String(decodeCursor(cursor, 1)[0]) : undefined;
    const plan = await this.planner.plan({ scope: MigrationScope.Tenant });
    const tenants = plan.targets
      .filter((t) => t.reachable && t.exists && t.tenantId !== null)
      .map((t) => ({
        tenantId: t.tenantId!,
        databaseId: t.database.id,
        databaseName: t.database.name,
        schema: t.schema,
        region: t.database.region,
        type: DatabaseType.Tenant,
        currentVersion: t.currentVersion,
        pendingCount: t.pending.length,
        driftCount: t.drift.length,
      }))
      .sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0))
      .filter((t) => after === undefined || t.tenantId > after);
    return toPage(
      tenants.slice(0, limit + 1),
      limit,
      (t) => t,
      (t) => [t.tenantId],
    );
  }

  /** Where a tenant lives: its own database, or a schema named after it in a pattern entry. */
  private async locate(tenantId: string): Promise<{ db: TargetDatabase; schema: string }> {
    const dbs = await this.repo.selectActive({ types: [DatabaseType.Tenant] });
    const own = dbs.find((d) => !d.schemaPattern && d.tenantId === tenantId);
    if (own) return { db: own, schema: own.schemaName ?? 'public' };
    for (const d of dbs.filter((x) => x.schemaPattern)) {
      const seen = await this.inspector.inspect(this.databases.connectionDetails(d), d, [tenantId]);
      if (seen.schemas.some((s) => s.exists)) return { db: d, schema: tenantId };
    }
    throw tenantNotFound();
  }

  async history(tenantId: string): Promise<TenantHistoryDto> {
    const { db, schema } = await this.locate(tenantId);
    const seen = await this.inspector.inspect(this.databases.connectionDetails(db), db, [schema]);
    if (!seen.reachable) throw databaseUnreachable(seen.error ?? 'unreachable');
    const rows = seen.schemas.find((s) => s.schema === schema)?.history ?? [];
    return {
      tenantId,
      databaseId: db.id,
      schema,
      currentVersion: replay(rows).currentVersion,
      history: rows.map((r) => ({ ...r, installedAt: r.installedAt.toISOString() })),
    };
  }

  async migrate(tenantId: string, dryRun: boolean, executor: Executor): Promise<ExecutionDto> {
    const { db, schema } = await this.locate(tenantId);
    return this.executions.start(
      {
        scope: MigrationScope.Single,
        target: { databaseId: db.id, schema: db.schemaPattern ? schema : undefined },
        dryRun,
      },
      executor,
    );
  }
}
