import { createHash } from 'node:crypto';
import { DATABASE_TYPES, type DatabaseType } from '../orchestrator.types.js';

export type FileKind = 'versioned' | 'undo' | 'repeatable';

/** A dependency header: this file needs `version` of every active database of `type`. */
export interface Dependency {
  type: DatabaseType;
  version: string;
}

/** One SQL file of the catalog. */
export interface CatalogFile {
  type: DatabaseType;
  kind: FileKind;
  /** Normalized version (`1`, `2.1`); null for repeatables. */
  version: string | null;
  description: string;
  fileName: string;
  checksum: string;
  noTransaction: boolean;
  dependsOn: Dependency[];
  sql: string;
}

/** What an execution keeps of the catalog: every file of the types it touches. */
export interface CatalogSnapshot {
  loadedAt: string;
  files: CatalogFile[];
}

export interface CatalogProblem {
  file: string;
  message: string;
}

export class CatalogError extends Error {
  constructor(readonly problems: CatalogProblem[]) {
    super(problems.map((p) => `${p.file}: ${p.message}`).join('; '));
    this.name = 'CatalogError';
  }
}

const VERSIONED = /^([VU])(\d+(?:[._]\d+)*)__([A-Za-z0-9][\w .-]*)\.sql$/;
const REPEATABLE = /^R__([A-Za-z0-9][\w .-]*)\.sql$/;
const DEPENDS = /^--\s*meridian:depends-on\s+(.+)$/;
const NO_TX = /^--\s*meridian:no-transaction\s*$/;
const DIRECTIVE = /^--\s*meridian:/;

export const fileKey = (kind: FileKind, versionOrDescription: string): string =>
  `${kind === 'versioned' ? 'V' : kind === 'undo' ? 'U' : 'R'}:${versionOrDescription}`;

export const keyOf = (f: Pick<CatalogFile, 'kind' | 'version' | 'description'>): string =>
  fileKey(f.kind, f.version ?? f.description);

export function normalizeVersion(raw: string): string {
  return raw
    .split(/[._]/)
    .map((part) => String(Number(part)))
    .join('.');
}

/** Numeric, segment by segment: 1 < 1.1 < 2 < 10. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Parses one file's name and header lines. */
export function parseFile(
  type: DatabaseType,
  fileName: string,
  bytes: Buffer,
  problems: CatalogProblem[],
): CatalogFile | undefined {
  const where = `${type}/${fileName}`;
  let kind: FileKind;
  let version: string | null = null;
  let description: string;
  const v = VERSIONED.exec(fileName);
  const r = REPEATABLE.exec(fileName);
  if (v) {
    kind = v[1] === 'V' ? 'versioned' : 'undo';
    version = normalizeVersion(v[2]);
    description = v[3];
  } else if (r) {
    kind = 'repeatable';
    description = r[1];
  } else {
    problems.push({
      file: where,
      message:
        'malformed name: expected V<version>__<description>.sql, U<version>__<description>.sql or R__<description>.sql',
    });
    return undefined;
  }
  const sql = bytes.toString('utf8');
  const dependsOn: Dependency[] = [];
  let noTransaction = false;
  for (const raw of sql.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('--')) break;
    if (NO_TX.test(line)) {
      noTransaction = true;
      continue;
    }
    const dep = DEPENDS.exec(line);
    if (dep) {
      for (const item of dep[1].split(/[\s,]+/).filter(Boolean)) {
        const m = /^([a-z]+):(\d+(?:[._]\d+)*)$/.exec(item);
        if (!m || !DATABASE_TYPES.includes(m[1] as DatabaseType)) {
          problems.push({
            file: where,
            message: `bad depends-on "${item}": expected <${DATABASE_TYPES.join('|')}>:<version>`,
          });
          continue;
        }
        dependsOn.push({ type: m[1] as DatabaseType, version: normalizeVersion(m[2]) });
      }
      continue;
    }
    if (DIRECTIVE.test(line)) {
      problems.push({ file: where, message: `unknown header "${line}"` });
    }
  }
  return {
    type,
    kind,
    version,
    description,
    fileName,
    checksum: createHash('sha256').update(bytes).digest('hex'),
    noTransaction,
    dependsOn,
    sql,
  };
}

/** Checks a whole catalog: duplicates, undo without a version, unknown dependencies, cycles. */
export function validateCatalog(files: CatalogFile[], problems: CatalogProblem[]): void {
  const seen = new Map<string, CatalogFile>();
  for (const f of files) {
    const id = `${f.type}:${keyOf(f)}`;
    const other = seen.get(id);
    if (other) {
      problems.push({
        file: `${f.type}/${f.fileName}`,
        message: `duplicate ${f.kind === 'repeatable' ? 'repeatable' : 'version'} ${f.version ?? f.description}: also ${f.type}/${other.fileName}`,
      });
    } else seen.set(id, f);
  }
  const versioned = (type: DatabaseType) =>
    files
      .filter((f) => f.type === type && f.kind === 'versioned')
      .sort((a, b) => compareVersions(a.version!, b.version!));
  for (const f of files) {
    if (f.kind === 'undo' && !seen.has(`${f.type}:${fileKey('versioned', f.version!)}`)) {
      problems.push({
        file: `${f.type}/${f.fileName}`,
        message: `undo file for version ${f.version}, which has no V file`,
      });
    }
    for (const d of f.dependsOn) {
      if (!seen.has(`${d.type}:${fileKey('versioned', d.version)}`)) {
        problems.push({
          file: `${f.type}/${f.fileName}`,
          message: `depends on ${d.type}:${d.version}, which is not in the catalog`,
        });
      }
    }
  }
  // The cycle check needs one file per version: after a duplicate it would only repeat it.
  if (problems.some((p) => p.message.startsWith('duplicate'))) return;
  // Cycle check over versions: each version needs the one before it of its type, and its headers.
  const edges = new Map<string, { to: string; file: string }[]>();
  const add = (from: string, to: string, file: string) =>
    edges.set(from, [...(edges.get(from) ?? []), { to, file }]);
  for (const type of DATABASE_TYPES) {
    const list = versioned(type);
    list.forEach((f, i) => {
      const node = `${type}:${f.version}`;
      if (i > 0) add(node, `${type}:${list[i - 1].version}`, `${type}/${f.fileName}`);
      for (const d of f.dependsOn) add(node, `${d.type}:${d.version}`, `${type}/${f.fileName}`);
    });
  }
  const state = new Map<string, 1 | 2>();
  const visit = (node: string, path: string[]): void => {
    state.set(node, 1);
    for (const e of edges.get(node) ?? []) {
      if (state.get(e.to) === 1) {
        const cycle = [...path.slice(path.indexOf(e.to)), node, e.to];
        if (!problems.some((p) => p.message.startsWith('dependency cycle'))) {
          problems.push({ file: e.file, message: `dependency cycle: ${cycle.join(' -> ')}` });
        }
      } else if (!state.has(e.to)) visit(e.to, [...path, node]);
    }
    state.set(node, 2);
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node, []);
}

/** Versioned files of a type in order, then repeatables by name. */
export function orderedFiles(files: CatalogFile[], type: DatabaseType): CatalogFile[] {
  const of = files.filter((f) => f.type === type);
  return [
    ...of
      .filter((f) => f.kind === 'versioned')
      .sort((a, b) => compareVersions(a.version!, b.version!)),
    ...of
      .filter((f) => f.kind === 'repeatable')
      .sort((a, b) => a.description.localeCompare(b.description)),
  ];
}
