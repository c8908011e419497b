import { parsePipRequirementsLine, type Requirement } from 'pip-requirements-js';
import { lazyModule } from '../../../core/modules/lazy-module.js';
import {
  basename,
  isRecord,
  type DirectDependency,
  type EcosystemReader,
  type LockedPackage,
} from './types.js';

const toml = lazyModule<typeof import('smol-toml')>('smol-toml');

/** PEP 503 names: case and runs of `-_.` do not matter. */
export const normalizePyName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

/** A PEP 508 requirement is pinned when it has exactly one `==`/`===` clause without a wildcard. */
function requirement(r: Requirement | null): DirectDependency | null {
  if (!r) return null;
  if (r.type === 'ProjectURL')
    return { name: normalizePyName(r.name), spec: r.url, pin: 'unpinned' };
  if (r.type !== 'ProjectName') return null;
  const specs = r.versionSpec ?? [];
  const exact =
    specs.length === 1 &&
    ['==', '==='].includes(String(specs[0].operator)) &&
    !specs[0].version.includes('*');
  return {
    name: normalizePyName(r.name),
    spec: specs.length ? specs.map((s) => `${s.operator}${s.version}`).join(',') : null,
    pin: exact ? 'pinned' : 'unpinned',
  };
}

function pep508(line: string): DirectDependency | null {
  try {
    return requirement(parsePipRequirementsLine(line));
  } catch {
    return null;
  }
}

/** requirements*.txt: one PEP 508 requirement per line; pip options (`-r`, `--index-url`) are skipped. */
function requirementsTxt(text: string): DirectDependency[] {
  const out: DirectDependency[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = pending + raw;
    if (line.endsWith('\\')) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = '';
    const bare = line.replace(/(^|\s)#.*$/, '').trim();
    if (bare === '' || bare.startsWith('-')) continue;
    const dep = pep508(bare);
    if (dep) out.push(dep);
  }
  return out;
}

/** Poetry: `"1.2.3"` or `"==1.2.3"` is exact; `^`, `~`, `*`, `>=` are ranges. */
function poetryDep(name: string, value: unknown): DirectDependency | null {
  if (normalizePyName(name) === 'python') return null;
  const n = normalizePyName(name);
  const exact = (v: string) => /^(==)?\s*\d+(\.\d+)*([a-z]+\d*)?$/i.test(v.trim());
  if (typeof value === 'string')
    return { name: n, spec: value, pin: exact(value) ? 'pinned' : 'unpinned' };
  if (Array.isArray(value)) {
    const specs = value.map((v) => poetryDep(name, v)).filter((d) => d !== null);
    const pin = specs.every((d) => d.pin === 'pinned') && specs.length > 0 ? 'pinned' : 'unpinned';
    return { name: n, spec: specs.map((d) => d.spec).join(' | ') || null, pin };
  }
  if (!isRecord(value)) return null;
  if (typeof value.path === 'string') return { name: n, spec: value.path, pin: 'local' };
  if (typeof value.git === 'string')
    return { name: n, spec: value.git, pin: typeof value.rev === 'string' ? 'pinned' : 'unpinned' };
  const version = typeof value.version === 'string' ? value.version : null;
  return { name: n, spec: version, pin: version && exact(version) ? 'pinned' : 'unpinned' };
}

function pyproject(text: string): DirectDependency[] {
  const doc = toml().parse(text) as Record<string, unknown>;
  const out: DirectDependency[] = [];
  const strings = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      const dep = typeof item === 'string' ? pep508(item) : null;
      if (dep) out.push(dep);
    }
  };
  if (isRecord(doc.project)) {
    strings(doc.project.dependencies);
    const optional = doc.project['optional-dependencies'];
    if (isRecord(optional)) Object.values(optional).forEach(strings);
  }
  if (isRecord(doc['dependency-groups'])) Object.values(doc['dependency-groups']).forEach(strings);
  const tool = isRecord(doc.tool) ? doc.tool : {};
  const poetry = isRecord(tool.poetry) ? tool.poetry : {};
  const tables: unknown[] = [poetry.dependencies, poetry['dev-dependencies']];
  if (isRecord(poetry.group))
    for (const group of Object.values(poetry.group))
      if (isRecord(group)) tables.push(group.dependencies);
  for (const table of tables) {
    if (!isRecord(table)) continue;
    for (const [name, value] of Object.entries(table)) {
      const dep = poetryDep(name, value);
      if (dep) out.push(dep);
    }
  }
  return out;
}

/** poetry.lock and uv.lock: `[[package]]` tables; uv's own project (editable/virtual source) is left out. */
function tomlLock(text: string): LockedPackage[] {
  const doc = toml().parse(text) as Record<string, unknown>;
  if (!Array.isArray(doc.package)) return [];
  const out: LockedPackage[] = [];
  for (const p of doc.package as unknown[]) {
    if (!isRecord(p) || typeof p.name !== 'string' || typeof p.version !== 'string') continue;
    if (isRecord(p.source) && ('editable' in p.source || 'virtual' in p.source)) continue;
    out.push({ name: normalizePyName(p.name), version: p.version });
  }
  return out;
}

export const pythonReader: EcosystemReader = {
  ecosystem: 'pip',
  isManifest: (p) =>
    /^requirements[\w.-]*\.txt$/i.test(basename(p)) || basename(p) === 'pyproject.toml',
  isLockfile: (p) => ['poetry.lock', 'uv.lock'].includes(basename(p)),
  readManifest: (text, path) =>
    basename(path) === 'pyproject.toml' ? pyproject(text) : requirementsTxt(text),
  readLockfile: (text) => tomlLock(text),
};
