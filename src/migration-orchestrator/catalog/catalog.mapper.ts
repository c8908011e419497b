import type { CatalogDto } from '../dto/execution.dto.js';
import { DATABASE_TYPES } from '../orchestrator.types.js';
import type { CatalogService } from './catalog.service.js';

export function toCatalogDto(catalog: CatalogService): CatalogDto {
  const all = catalog.all();
  return {
    sourceDir: catalog.sourceDir,
    loadedAt: catalog.loaded.toISOString(),
    lastReloadProblems: catalog.problems(),
    types: DATABASE_TYPES.map((type) => {
      const files = catalog.ordered(type);
      const undo = new Set(
        all.filter((f) => f.type === type && f.kind === 'undo').map((f) => f.version),
      );
      const versioned = files.filter((f) => f.kind === 'versioned');
      return {
        type,
        latestVersion: versioned.at(-1)?.version ?? null,
        files: files.map((f) => ({
          type,
          kind: f.kind,
          version: f.version,
          description: f.description,
          fileName: f.fileName,
          checksum: f.checksum,
          noTransaction: f.noTransaction,
          hasUndo: f.version !== null && undo.has(f.version),
          dependsOn: f.dependsOn.map((d) => `${d.type}:${d.version}`),
        })),
      };
    }),
  };
}
