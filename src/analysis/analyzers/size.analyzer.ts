import { lstat, open } from 'node:fs/promises';
import path from 'node:path';
import { InsightType, Severity } from '../entities/insight.entity.js';
import type { InsightDraft, Workspace } from './analyzer.js';
import { commentSyntax, countLines } from './comment-syntax.js';
import { classifyPath, languageOf } from './languages.js';

export const SIZE_ANALYZER_VERSION = 'size@1';
/** Files larger than this are not read (counted as skipped). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Per-file rows kept in the insight (largest first). */
const MAX_FILE_ROWS = 5000;

export interface FileFigures {
  path: string;
  language: string;
  code: number;
  comment: number;
  blank: number;
}

type LineCounts = Pick<FileFigures, 'code' | 'comment' | 'blank'>;

export interface SizeResult {
  languages: { language: string; files: number; code: number; comment: number; blank: number }[];
  files: FileFigures[];
  /** Code lines by path (for hotspots). */
  codeByPath: Map<string, number>;
  totalCode: number;
  insight: InsightDraft;
}

async function readText(full: string): Promise<string | null> {
  const handle = await open(full, 'r');
  try {
    const buf = await handle.readFile();
    if (buf.subarray(0, 8000).includes(0)) return null;
    return buf.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Files, code, comment and blank lines per language and per file (cloc's rules). */
export async function analyzeSize(ws: Workspace, shouldStop: () => boolean): Promise<SizeResult> {
  const files: FileFigures[] = [];
  const skipped = { vendored: 0, generated: 0, binary: 0, unknown: 0, symlinks: 0, tooLarge: 0 };
  let stopped = false;
  // A file's counts depend on its content and its path's language: cached per path and blob.
  const cache = ws.cache<LineCounts | { skipped: 'binary' | 'tooLarge' }>(SIZE_ANALYZER_VERSION);
  for (const rel of ws.files) {
    if (shouldStop()) {
      stopped = true;
      break;
    }
    const kind = classifyPath(rel);
    if (kind !== 'source') {
      skipped[kind]++;
      continue;
    }
    const lang = languageOf(rel);
    if (!lang) {
      skipped.unknown++;
      continue;
    }
    const cached = cache.get(rel);
    if (cached) {
      if ('skipped' in cached) skipped[cached.skipped]++;
      else files.push({ path: rel, language: lang.name, ...cached });
      continue;
    }
    const full = path.join(ws.dir, rel);
    const st = await lstat(full).catch(() => null);
    if (!st) continue;
    if (st.isSymbolicLink() || !st.isFile()) {
      skipped.symlinks++;
      continue;
    }
    if (st.size > MAX_FILE_BYTES) {
      skipped.tooLarge++;
      cache.set(rel, { skipped: 'tooLarge' });
      continue;
    }
    const text = await readText(full);
    if (text === null) {
      skipped.binary++;
      cache.set(rel, { skipped: 'binary' });
      continue;
    }
    const counts = countLines(text, commentSyntax(lang.aceMode));
    cache.set(rel, counts);
    files.push({ path: rel, language: lang.name, ...counts });
  }
  const byLang = new Map<
    string,
    { language: string; files: number; code: number; comment: number; blank: number }
  >();
  for (const f of files) {
    const row = byLang.get(f.language) ?? {
      language: f.language,
      files: 0,
      code: 0,
      comment: 0,
      blank: 0,
    };
    row.files++;
    row.code += f.code;
    row.comment += f.comment;
    row.blank += f.blank;
    byLang.set(f.language, row);
  }
  const languages = [...byLang.values()].sort(
    (a, b) => b.code - a.code || a.language.localeCompare(b.language),
  );
  const totalCode = languages.reduce((s, l) => s + l.code, 0);
  const sortedFiles = [...files].sort((a, b) => b.code - a.code || a.path.localeCompare(b.path));
  const top = languages[0];
  return {
    languages,
    files: sortedFiles,
    codeByPath: new Map(files.map((f) => [f.path, f.code])),
    totalCode,
    insight: {
      type: InsightType.Size,
      title: `${totalCode} lines of code in ${files.length} files`,
      description: top
        ? `${languages.length} languages; mostly ${top.language} (${top.code} lines of code).`
        : 'No source files in a known language.',
      severity: Severity.Info,
      confidenceScore: 1,
      data: {
        languages,
        files: sortedFiles.slice(0, MAX_FILE_ROWS),
        totalFiles: files.length,
        totalCode,
        skipped,
        /** True when the run's soft time limit stopped the count before the last file. */
        partial: stopped,
      },
      tags: ['size', 'languages'],
    },
  };
}
