import { Injectable } from '@nestjs/common';
import { keyOf, type CatalogFile, type Dependency } from '../catalog/catalog.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { DatabasesRepository } from '../databases/databases.repository.js';
import { DatabasesService } from '../databases/databases.service.js';
import {
  schemaRequired,
  targetNotFound,
  targetRequired,
  databaseNotFound,
} from '../orchestrator.errors.js';
import {
  DatabaseType,
  MigrationScope,
  WaveName,
  type SingleTarget,
  type TargetFilters,
} from '../orchestrator.types.js';
import type { TargetDatabase } from '../target-database.entity.js';
import { driftOf, pendingOf, replay, type Drift, type HistoryState } from '../target/history.js';
import type { LockHolder } from '../target/target-inspector.js';
import { TargetInspector } from '../target/target-inspector.js';

export interface PlanInput {
  scope: MigrationScope;
  filters?: TargetFilters;
  target?: SingleTarget;
  canary?: number;
}

export interface PlannedTarget {
  database: TargetDatabase;
  schema: string;
  /** null for a pattern entry that could not be read (the schemas are unknown). */
  tenantId: string | null;
  wave: number;
  waveName: WaveName;
  reachable: boolean;
  error: string | null;
  exists: boolean;
  currentVersion: string | null;
  pending: CatalogFile[];
  drift: Drift[];
  failures: { key: string; version: string | null; description: string; at: Date }[];
  missingDependencies: (Dependency & { requiredBy: string })[];
  lockHolder: LockHolder | null;
}

export interface Plan {
  scope: MigrationScope;
  filters: TargetFilters;
  targets: PlannedTarget[];
}

const SCOPE_TYPES: Record<MigrationScope, DatabaseType[] | undefined> = {
  [MigrationScope.All]: undefined,
  [MigrationScope.Admin]: [DatabaseType.Admin],
  [MigrationScope.Regional]: [DatabaseType.Shared, DatabaseType.Analytics],
  [MigrationScope.Tenant]: [DatabaseType.Tenant],
  [MigrationScope.Single]: undefined,
};

const WAVE_OF: Record<DatabaseType, number> = {
  [DatabaseType.Admin]: 0,
  [DatabaseType.Shared]: 1,
  [DatabaseType.Analytics]: 1,
  [DatabaseType.Tenant]: 3,
};
export const WAVE_NAMES = [WaveName.Admin, WaveName.Regional, WaveName.Canary, WaveName.Tenants];

const INSPECT_PARALLEL = 8;

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** Resolves a scope and filters against the live registry and each target's own history. */
@Injectable()
export class PlannerService {
  constructor(
    private readonly repo: DatabasesRepository,
    private readonly databases: DatabasesService,
    private readonly inspector: TargetInspector,
    private readonly catalog: CatalogService,
  ) {}

  private async selectDatabases(input: PlanInput): Promise<TargetDatabase[]> {
    const f = input.filters ?? {};
    if (input.scope === MigrationScope.Single) {
      if (!input.target?.databaseId) throw targetRequired();
      const d = await this.repo.findById(input.target.databaseId);
      if (!d) throw databaseNotFound();
      if (d.schemaPattern && !input.target.schema) throw schemaRequired();
      return [d];
    }
    const scopeTypes = SCOPE_TYPES[input.scope];
    const types = f.types?.length
      ? f.types.filter((t) => !scopeTypes || scopeTypes.includes(t))
      : scopeTypes;
    if (types && types.length === 0) return [];
    return this.repo.selectActive({
      ids: f.databaseIds?.length ? f.databaseIds : undefined,
      types,
      regions: f.regions?.length ? f.regions : undefined,
      tags: f.tags?.length ? f.tags : undefined,
    });
  }

  /** Reads every schema of the databases into (database, schema, state) rows. */
  private async read(dbs: TargetDatabase[], only?: (d: TargetDatabase) => string[] | undefined) {
    const per = await mapLimit(dbs, INSPECT_PARALLEL, async (d) => ({
      d,
      seen: await this.inspector.inspect(this.databases.connectionDetails(d), d, only?.(d)),
    }));
    return per;
  }

  async plan(input: PlanInput): Promise<Plan> {
    const filters = input.filters ?? {};
    const dbs = await this.selectDatabases(input);
    const tenantFilter = filters.tenantIds?.length ? new Set(filters.tenantIds) : undefined;
    const only = (d: TargetDatabase): string[] | undefined => {
      if (input.scope === MigrationScope.Single)
        return input.target?.schema ? [input.target.schema] : undefined;
      if (d.schemaPattern && tenantFilter) return [...tenantFilter];
      return undefined;
    };
    const read = await this.read(
      dbs.filter(
        (d) =>
          !tenantFilter ||
          d.schemaPattern !== null ||
          (d.type === DatabaseType.Tenant && d.tenantId !== null && tenantFilter.has(d.tenantId)),
      ),
      only,
    );
    if (input.scope === MigrationScope.Single && input.target?.schema) {
      const [first] = read;
      const d = first.d;
      if (first.seen.reachable && d.schemaPattern && !first.seen.schemas.some((s) => s.exists))
        throw targetNotFound(
          `Database ${d.name} holds no schema "${input.target.schema}" matching ${d.schemaPattern}.`,
        );
      if (!d.schemaPattern && input.target.schema !== (d.schemaName ?? 'public'))
        throw targetNotFound(
          `Database ${d.name} holds the schema ${d.schemaName ?? 'public'} only.`,
        );
    }

    const targets: PlannedTarget[] = [];
    const states = new Map<PlannedTarget, HistoryState>();
    for (const { d, seen } of read) {
      const files = this.catalog.ordered(d.type);
      const base = { database: d, wave: WAVE_OF[d.type], waveName: WAVE_NAMES[WAVE_OF[d.type]] };
      if (!seen.reachable) {
        targets.push({
          ...base,
          schema: d.schemaPattern ?? d.schemaName ?? 'public',
          tenantId: d.schemaPattern ? null : d.tenantId,
          reachable: false,
          error: seen.error,
          exists: false,
          currentVersion: null,
          pending: [],
          drift: [],
          failures: [],
          missingDependencies: [],
          lockHolder: null,
        });
        continue;
      }
      for (const s of seen.schemas) {
        const tenantId = d.schemaPattern ? s.schema : d.tenantId;
        if (tenantFilter && (!tenantId || !tenantFilter.has(tenantId))) continue;
        const state = replay(s.history);
        const t: PlannedTarget = {
          ...base,
          schema: s.schema,
          tenantId,
          reachable: true,
          error: null,
          exists: s.exists,
          currentVersion: state.currentVersion,
          pending: pendingOf(state, files),
          drift: driftOf(state, files),
          failures: [...state.failures.entries()].map(([key, row]) => ({
            key,
            version: row.version,
            description: row.description,
            at: row.installedAt,
          })),
          missingDependencies: [],
          lockHolder: s.lockHolder,
        };
        states.set(t, state);
        targets.push(t);
      }
    }
    // Canary: the first N tenant targets, in order, get a wave of their own.
    const canary = input.canary ?? 0;
    let tenantsSeen = 0;
    targets.sort(
      (a, b) =>
        a.wave - b.wave ||
        a.database.name.localeCompare(b.database.name) ||
        a.schema.localeCompare(b.schema),
    );
    for (const t of targets) {
      if (t.database.type !== DatabaseType.Tenant) continue;
      if (tenantsSeen++ < canary) {
        t.wave = 2;
        t.waveName = WaveName.Canary;
      }
    }
    targets.sort((a, b) => a.wave - b.wave);
    await this.checkDependencies(targets, states);
    return { scope: input.scope, filters, targets };
  }

  /**
   * A dependency `type:version` is met when every active database of that type in the
   * registry has the version, or when this plan applies it to all of them in an earlier
   * wave; it is unmet when there is none.
   */
  private async checkDependencies(
    targets: PlannedTarget[],
    states: Map<PlannedTarget, HistoryState>,
  ): Promise<void> {
    const deps = new Map<string, Dependency>();
    for (const t of targets)
      for (const f of t.pending) for (const d of f.dependsOn) deps.set(`${d.type}:${d.version}`, d);
    if (deps.size === 0) return;
    const types = [...new Set([...deps.values()].map((d) => d.type))];
    const all = await this.repo.selectActive({ types });
    const inPlan = new Map(targets.map((t) => [`${t.database.id}/${t.schema}`, t]));
    const read = await this.read(all.filter((d) => !targets.some((t) => t.database.id === d.id)));
    const places: {
      type: DatabaseType;
      wave: number;
      applied: (v: string) => boolean;
      planned: (v: string) => boolean;
    }[] = [];
    for (const t of inPlan.values()) {
      if (!types.includes(t.database.type)) continue;
      const pendingKeys = new Set(t.pending.map(keyOf));
      places.push({
        type: t.database.type,
        wave: t.wave,
        applied: (v) => states.get(t)?.applied.has(v) ?? false,
        planned: (v) => pendingKeys.has(`V:${v}`),
      });
    }
    for (const { d, seen } of read) {
      for (const s of seen.reachable ? seen.schemas : [null]) {
        const state = s ? replay(s.history) : null;
        places.push({
          type: d.type,
          wave: Number.POSITIVE_INFINITY,
          applied: (v) => state?.applied.has(v) ?? false,
          planned: () => false,
        });
      }
    }
    for (const t of targets) {
      for (const f of t.pending) {
        for (const dep of f.dependsOn) {
          const of = places.filter((p) => p.type === dep.type);
          const met =
            of.length > 0 &&
            of.every((p) => p.applied(dep.version) || (p.planned(dep.version) && p.wave < t.wave));
          if (!met) t.missingDependencies.push({ ...dep, requiredBy: f.fileName });
        }
      }
    }
  }
}
