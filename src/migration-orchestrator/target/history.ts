import { compareVersions, keyOf, type CatalogFile } from '../catalog/catalog.js';
import { HistoryKind } from '../orchestrator.types.js';

/** One row of a target's own history table. */
export interface HistoryRow {
  installedRank: number;
  version: string | null;
  description: string;
  kind: HistoryKind;
  checksum: string | null;
  installedBy: string;
  installedAt: Date;
  executionTimeMs: number;
  success: boolean;
  executionId: string | null;
}

export interface HistoryState {
  /** Applied versions and the checksum they count with (a repair replaces it). */
  applied: Map<string, string | null>;
  /** Repeatables by description: checksum of the last successful run. */
  repeatables: Map<string, string | null>;
  /** Failed attempts not followed by a success, by file key. */
  failures: Map<string, HistoryRow>;
  currentVersion: string | null;
}

/** Replays the history rows (in installed_rank order) into the current state. */
export function replay(rows: HistoryRow[]): HistoryState {
  const applied = new Map<string, string | null>();
  const repeatables = new Map<string, string | null>();
  const failures = new Map<string, HistoryRow>();
  for (const row of [...rows].sort((a, b) => a.installedRank - b.installedRank)) {
    const key =
      row.kind === HistoryKind.Repeatable ? `R:${row.description}` : `V:${row.version ?? ''}`;
    if (!row.success) {
      failures.set(row.kind === HistoryKind.Undo ? `U:${row.version}` : key, row);
      continue;
    }
    switch (row.kind) {
      case HistoryKind.Versioned:
        applied.set(row.version!, row.checksum);
        failures.delete(key);
        break;
      case HistoryKind.Undo:
        applied.delete(row.version!);
        failures.delete(`U:${row.version}`);
        break;
      case HistoryKind.Repair:
        if (row.version && applied.has(row.version)) applied.set(row.version, row.checksum);
        failures.delete(key);
        break;
      case HistoryKind.Repeatable:
        repeatables.set(row.description, row.checksum);
        failures.delete(key);
        break;
    }
  }
  const versions = [...applied.keys()].sort(compareVersions);
  return { applied, repeatables, failures, currentVersion: versions.at(-1) ?? null };
}

export interface Drift {
  version: string;
  appliedChecksum: string | null;
  catalogChecksum: string;
}

/** Applied versions whose file changed since (drift), against the catalog's files of the type. */
export function driftOf(state: HistoryState, files: CatalogFile[]): Drift[] {
  const out: Drift[] = [];
  for (const f of files) {
    if (f.kind !== 'versioned' || !state.applied.has(f.version!)) continue;
    const appliedChecksum = state.applied.get(f.version!) ?? null;
    if (appliedChecksum !== f.checksum)
      out.push({ version: f.version!, appliedChecksum, catalogChecksum: f.checksum });
  }
  return out.sort((a, b) => compareVersions(a.version, b.version));
}

/** Files still to run, in order: missing versions, then repeatables that are new or changed. */
export function pendingOf(state: HistoryState, ordered: CatalogFile[]): CatalogFile[] {
  return ordered.filter((f) =>
    f.kind === 'versioned'
      ? !state.applied.has(f.version!)
      : f.kind === 'repeatable'
        ? state.repeatables.get(f.description) !== f.checksum
        : false,
  );
}

export const describeFile = (f: CatalogFile) => ({
  key: keyOf(f),
  version: f.version,
  description: f.description,
});

export function mapHistoryRow(r: Record<string, unknown>): HistoryRow {
  return {
    installedRank: Number(r.installed_rank),
    version: (r.version as string | null) ?? null,
    description: r.description as string,
    kind: r.kind as HistoryKind,
    checksum: typeof r.checksum === 'string' ? r.checksum.trim() : null,
    installedBy: r.installed_by as string,
    installedAt: new Date(r.installed_at as string),
    executionTimeMs: Number(r.execution_time_ms),
    success: Boolean(r.success),
    executionId: (r.execution_id as string | null) ?? null,
  };
}
