import { lazyModule } from '../../core/modules/lazy-module.js';

const linguist = lazyModule<typeof import('linguist-languages')>('linguist-languages');

export interface LanguageInfo {
  name: string;
  type: string;
  aceMode?: string;
}

const TYPE_RANK: Record<string, number> = { programming: 0, markup: 1, prose: 2, data: 3 };

/** Extensions several languages claim, settled the way most repositories mean them. */
const PREFERRED: Record<string, string> = {
  '.h': 'C',
  '.md': 'Markdown',
  '.ts': 'TypeScript',
  '.pl': 'Perl',
  '.m': 'Objective-C',
  '.cs': 'C#',
  '.fs': 'F#',
  '.sql': 'SQL',
  '.yml': 'YAML',
  '.json': 'JSON',
  '.txt': 'Text',
  '.rs': 'Rust',
  '.v': 'Verilog',
  '.inc': 'PHP',
};

interface Entry {
  name: string;
  type: string;
  aceMode?: string;
  extensions?: string[];
  filenames?: string[];
}

function buildTables(): { byExt: Map<string, LanguageInfo>; byName: Map<string, LanguageInfo> } {
  const byExt = new Map<string, { info: LanguageInfo; primary: boolean }>();
  const byName = new Map<string, LanguageInfo>();
  const all = Object.values(linguist() as unknown as Record<string, Entry>);
  for (const lang of all) {
    const info: LanguageInfo = { name: lang.name, type: lang.type, aceMode: lang.aceMode };
    for (const f of lang.filenames ?? []) if (!byName.has(f)) byName.set(f, info);
    (lang.extensions ?? []).forEach((ext, i) => {
      const e = ext.toLowerCase();
      const current = byExt.get(e);
      const candidate = { info, primary: i === 0 };
      if (!current) return byExt.set(e, candidate);
      const better =
        Number(candidate.primary) - Number(current.primary) ||
        (TYPE_RANK[current.info.type] ?? 9) - (TYPE_RANK[candidate.info.type] ?? 9);
      if (better > 0) byExt.set(e, candidate);
    });
  }
  const result = new Map([...byExt].map(([e, v]) => [e, v.info]));
  for (const [ext, name] of Object.entries(PREFERRED)) {
    const lang = all.find((l) => l.name === name);
    if (lang) result.set(ext, { name: lang.name, type: lang.type, aceMode: lang.aceMode });
  }
  return { byExt: result, byName };
}

let tables: ReturnType<typeof buildTables> | undefined;

/** The language of a path from GitHub Linguist's table (file name first, then extension). */
export function languageOf(path: string): LanguageInfo | null {
  tables ??= buildTables();
  const base = path.slice(path.lastIndexOf('/') + 1);
  const named = tables.byName.get(base);
  if (named) return named;
  const lower = base.toLowerCase();
  // longest compound extension first (`.d.ts`, `.tar.gz`)
  for (let i = lower.indexOf('.'); i >= 0; i = lower.indexOf('.', i + 1)) {
    const hit = tables.byExt.get(lower.slice(i));
    if (hit) return hit;
  }
  return null;
}

const VENDORED =
  /(^|\/)(node_modules|vendor|vendors|third_party|third-party|bower_components|\.yarn)\//;
const GENERATED =
  /(\.min\.(js|css)$|\.map$|(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|go\.sum|poetry\.lock|Gemfile\.lock)$|(^|\/)(dist|build)\/)/;

/** Vendored and generated files are counted apart from the repository's own code. */
export function classifyPath(path: string): 'vendored' | 'generated' | 'source' {
  if (VENDORED.test(path)) return 'vendored';
  if (GENERATED.test(path)) return 'generated';
  return 'source';
}
