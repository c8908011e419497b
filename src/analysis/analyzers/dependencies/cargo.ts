import { lazyModule } from '../../../core/modules/lazy-module.js';
import {
  basename,
  isRecord,
  type DirectDependency,
  type EcosystemReader,
  type LockedPackage,
} from './types.js';

const toml = lazyModule<typeof import('smol-toml')>('smol-toml');

const SECTIONS = ['dependencies', 'dev-dependencies', 'build-dependencies'];

/** Cargo reads `1.2.3` as `^1.2.3`: only `=1.2.3` is one exact version. */
function cargoDep(key: string, value: unknown): DirectDependency | null {
  const exact = (v: string) => /^=\s*\d+\.\d+\.\d+\S*$/.test(v.trim());
  if (typeof value === 'string')
    return { name: key, spec: value, pin: exact(value) ? 'pinned' : 'unpinned' };
  if (!isRecord(value)) return null;
  const name = typeof value.package === 'string' ? value.package : key;
  // `workspace = true` takes the workspace's declaration, which is counted where it is written.
  if (value.workspace === true) return { name, spec: null, pin: 'local' };
  if (typeof value.path === 'string') return { name, spec: value.path, pin: 'local' };
  if (typeof value.git === 'string')
    return { name, spec: value.git, pin: typeof value.rev === 'string' ? 'pinned' : 'unpinned' };
  const version = typeof value.version === 'string' ? value.version : null;
  return { name, spec: version, pin: version && exact(version) ? 'pinned' : 'unpinned' };
}

export const cargoReader: EcosystemReader = {
  ecosystem: 'cargo',
  isManifest: (p) => basename(p) === 'Cargo.toml',
  isLockfile: (p) => basename(p) === 'Cargo.lock',
  readManifest(text) {
    const doc = toml().parse(text) as Record<string, unknown>;
    const tables: unknown[] = SECTIONS.map((s) => doc[s]);
    if (isRecord(doc.target))
      for (const target of Object.values(doc.target))
        if (isRecord(target)) tables.push(...SECTIONS.map((s) => target[s]));
    if (isRecord(doc.workspace)) tables.push(doc.workspace.dependencies);
    const out: DirectDependency[] = [];
    for (const table of tables) {
      if (!isRecord(table)) continue;
      for (const [key, value] of Object.entries(table)) {
        const dep = cargoDep(key, value);
        if (dep) out.push(dep);
      }
    }
    return out;
  },
  readLockfile(text) {
    const doc = toml().parse(text) as Record<string, unknown>;
    if (!Array.isArray(doc.package)) return [];
    const out: LockedPackage[] = [];
    for (const p of doc.package as unknown[]) {
      // Packages without a source are the workspace's own crates (and path dependencies).
      if (!isRecord(p) || typeof p.source !== 'string') continue;
      if (typeof p.name === 'string' && typeof p.version === 'string')
        out.push({ name: p.name, version: p.version });
    }
    return out;
  },
};
