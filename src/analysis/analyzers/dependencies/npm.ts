import semver from 'semver';
import {
  basename,
  isRecord,
  type DirectDependency,
  type EcosystemReader,
  type LockedPackage,
} from './types.js';
import { lazyModule } from '../../../core/modules/lazy-module.js';

const yarnParsers = lazyModule<typeof import('@yarnpkg/parsers')>('@yarnpkg/parsers');
const yaml = lazyModule<typeof import('yaml')>('yaml');

const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'];
const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
]);

/** An npm requirement: exact versions are pinned; git/URL specs only with a full commit id. */
export function npmPin(spec: string): DirectDependency['pin'] {
  const s = spec.trim();
  if (/^(file|link|workspace|portal|patch):/.test(s)) return 'local';
  if (s.startsWith('npm:')) return npmPin(s.slice(s.lastIndexOf('@') + 1));
  if (
    /^(git\+|git:|github:|gitlab:|bitbucket:|https?:)/.test(s) ||
    /^[\w.-]+\/[\w.-]+(#.*)?$/.test(s)
  )
    return /#[0-9a-f]{40}$/i.test(s) ? 'pinned' : 'unpinned';
  return semver.valid(s) ? 'pinned' : 'unpinned';
}

function licenseOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (isRecord(v) && typeof v.type === 'string') return v.type;
  return null;
}

/** `@scope/name@npm:^1.0.0` -> `@scope/name` (the part before the version separator). */
function descriptorName(descriptor: string): string {
  const d = descriptor.trim().replace(/^"|"$/g, '');
  const at = d.indexOf('@', 1);
  return at < 0 ? d : d.slice(0, at);
}

function packageLock(doc: Record<string, unknown>): LockedPackage[] {
  const out: LockedPackage[] = [];
  if (isRecord(doc.packages)) {
    // lockfileVersion 2 and 3: one entry per installed folder.
    for (const [key, entry] of Object.entries(doc.packages)) {
      const i = key.lastIndexOf('node_modules/');
      if (i < 0 || !isRecord(entry) || entry.link === true) continue; // the root and workspace folders
      if (typeof entry.version !== 'string') continue;
      const name =
        typeof entry.name === 'string' ? entry.name : key.slice(i + 'node_modules/'.length);
      out.push({ name, version: entry.version, license: licenseOf(entry.license) });
    }
    return out;
  }
  // lockfileVersion 1: nested `dependencies`.
  const walk = (deps: unknown) => {
    if (!isRecord(deps)) return;
    for (const [name, entry] of Object.entries(deps)) {
      if (!isRecord(entry) || typeof entry.version !== 'string') continue;
      if (!/^(file|link):/.test(entry.version)) out.push({ name, version: entry.version });
      walk(entry.dependencies);
    }
  };
  walk(doc.dependencies);
  return out;
}

function yarnLock(text: string): LockedPackage[] {
  const out: LockedPackage[] = [];
  const seen = new Set<string>();
  for (const [key, entry] of Object.entries(yarnParsers().parseSyml(text))) {
    if (key === '__metadata' || !isRecord(entry) || typeof entry.version !== 'string') continue;
    const resolution = typeof entry.resolution === 'string' ? entry.resolution : '';
    if (
      /@(workspace|link|portal|file):/.test(resolution) ||
      /@(workspace|link|portal|file):/.test(key)
    )
      continue;
    const name = descriptorName(resolution || key);
    // parseSyml gives one key per descriptor; several descriptors share one resolution.
    const id = `${name}@${entry.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ name, version: entry.version, license: licenseOf(entry.license) });
  }
  return out;
}

/** pnpm keys: `/name/1.0.0_peer` (v5), `/name@1.0.0(peer)` (v6), `name@1.0.0(peer)` (v9). */
export function pnpmKey(key: string): { name: string; version: string } | null {
  const k = key.replace(/^\//, '').replace(/\(.*$/, '');
  const v5 = /^((?:@[^/@]+\/)?[^/@]+)\/(\d[^_/]*)(_.*)?$/.exec(k);
  if (v5) return { name: v5[1], version: v5[2] };
  const at = k.indexOf('@', 1);
  if (at < 0) return null;
  const version = k.slice(at + 1);
  return /^(file|link|workspace):/.test(version) ? null : { name: k.slice(0, at), version };
}

function pnpmLock(text: string): LockedPackage[] {
  const doc: unknown = yaml().parse(text, { maxAliasCount: 1000 });
  if (!isRecord(doc) || !isRecord(doc.packages)) return [];
  const out: LockedPackage[] = [];
  for (const [key, entry] of Object.entries(doc.packages)) {
    const parsed = pnpmKey(key);
    if (!parsed) continue;
    const version =
      isRecord(entry) && typeof entry.version === 'string' ? entry.version : parsed.version;
    out.push({
      name: isRecord(entry) && typeof entry.name === 'string' ? entry.name : parsed.name,
      version,
    });
  }
  return out;
}

export const npmReader: EcosystemReader = {
  ecosystem: 'npm',
  isManifest: (p) => basename(p) === 'package.json',
  isLockfile: (p) => LOCKFILES.has(basename(p)),
  readManifest(text) {
    const doc: unknown = JSON.parse(text);
    if (!isRecord(doc)) return [];
    const out: DirectDependency[] = [];
    for (const section of SECTIONS) {
      const deps = doc[section];
      if (!isRecord(deps)) continue;
      for (const [name, spec] of Object.entries(deps)) {
        if (typeof spec !== 'string') continue;
        out.push({ name, spec, pin: npmPin(spec) });
      }
    }
    return out;
  },
  readLockfile(text, path) {
    const base = basename(path);
    if (base === 'yarn.lock') return yarnLock(text);
    if (base === 'pnpm-lock.yaml') return pnpmLock(text);
    const doc: unknown = JSON.parse(text);
    return isRecord(doc) ? packageLock(doc) : [];
  },
};
