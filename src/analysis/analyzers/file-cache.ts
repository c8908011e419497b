import type { FileCounts } from '../entities/analysis-job.entity.js';
import type { FileResultCache } from './analyzer.js';

export interface StoredFileResult {
  blobId: string;
  result: unknown;
}

export interface FileResultRow {
  analyzer: string;
  path: string;
  blobId: string;
  result: unknown;
}

/** Longer paths are not cached (they could not be indexed); they are simply recomputed. */
const MAX_CACHED_PATH = 1024;

/**
 * The file results of one run: what earlier runs stored (null in a full run, which reuses
 * nothing), what this run computed (saved with the run), and the counts per analyzer.
 */
export class RunFileCache {
  private readonly counts = new Map<string, FileCounts>();
  private readonly rows: FileResultRow[] = [];

  constructor(
    private readonly blobs: Map<string, string>,
    private readonly stored: Map<string, Map<string, StoredFileResult>> | null,
  ) {}

  for<T>(analyzer: string): FileResultCache<T> {
    const count = this.counts.get(analyzer) ?? { analyzer, analyzed: 0, reused: 0 };
    this.counts.set(analyzer, count);
    const stored = this.stored?.get(analyzer);
    return {
      get: (path) => {
        const hit = stored?.get(path);
        const blob = this.blobs.get(path);
        if (!hit || blob === undefined || hit.blobId !== blob) return undefined;
        count.reused++;
        return hit.result as T;
      },
      set: (path, result) => {
        count.analyzed++;
        const blobId = this.blobs.get(path);
        if (blobId !== undefined && path.length <= MAX_CACHED_PATH)
          this.rows.push({ analyzer, path, blobId, result });
      },
    };
  }

  fileCounts(): FileCounts[] {
    return [...this.counts.values()].sort((a, b) => a.analyzer.localeCompare(b.analyzer));
  }

  /** Results computed in this run, to save. */
  computed(): FileResultRow[] {
    return this.rows;
  }

  analyzers(): string[] {
    return [...this.counts.keys()];
  }
}
