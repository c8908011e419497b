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

/** The checked-out tree an analyzer reads; paths are relative to `dir`. */
export interface Workspace {
  dir: string;
  /** Tracked files (from `git ls-files`), never followed through symlinks. */
  files: string[];
  git: (args: string[], onStdout?: (chunk: Buffer) => void) => Promise<string>;
}
