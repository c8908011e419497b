import type { InsightType, Severity } from '../entities/insight.entity.js';

/** One insight an analyzer produced (saved per run). */
export interface InsightDraft {
  type: InsightType;
  title: string;
  description: string;
  severity: Severity;
  confidenceScore: number;
  data: Record<string, unknown>;
  tags: string[];
}

/**
 * Results an analyzer computed for single files, kept between runs. In an incremental run
 * `get` returns the stored result of a file whose path and blob id are unchanged since it
 * was stored; in a full run it returns nothing (everything is computed afresh). `set`
 * records this run's result, saved with the run. The result must be JSON and hold no secret.
 */
export interface FileResultCache<T> {
  get(path: string): T | undefined;
  set(path: string, result: T): void;
}

/** The checked-out tree an analyzer reads; paths are relative to `dir`. */
export interface Workspace {
  dir: string;
  /** Tracked regular files (from `git ls-tree`): never symlinks or submodules. */
  files: string[];
  git: (
    args: string[],
    onStdout?: (chunk: Buffer) => void,
    options?: { signal?: AbortSignal },
  ) => Promise<string>;
  /** The per-file cache of one analyzer (name and version, `size@1`). */
  cache<T>(analyzer: string): FileResultCache<T>;
}
