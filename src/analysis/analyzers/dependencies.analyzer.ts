import { InsightType, Severity } from '../entities/insight.entity.js';
import type { InsightDraft, Workspace } from './analyzer.js';
import { bundlerReader } from './dependencies/bundler.js';
import { cargoReader } from './dependencies/cargo.js';
import { goReader } from './dependencies/go.js';
import { mavenReader } from './dependencies/maven.js';
import { npmReader } from './dependencies/npm.js';
import { pythonReader } from './dependencies/python.js';
import type { DirectDependency, EcosystemReader, LockedPackage } from './dependencies/types.js';
import { classifyPath } from './languages.js';
import { readTrackedText } from './read-file.js';

export const DEPENDENCIES_ANALYZER_VERSION = 'dependencies@1';
const MAX_MANIFEST_BYTES = 1024 * 1024;
const MAX_LOCKFILE_BYTES = 32 * 1024 * 1024;
const MAX_LISTED = 100;

export const READERS: EcosystemReader[] = [
  npmReader,
  pythonReader,
  goReader,
  cargoReader,
  mavenReader,
  bundlerReader,
];

export interface EcosystemFigures {
  ecosystem: string;
  /** Distinct packages the manifests declare (local/workspace packages left out). */
  direct: number;
  /** Distinct packages the lockfiles resolve that no manifest declares. */
  transitive: number;
  /** Direct packages declared with a range or no version (in any manifest). */
  unpinned: number;
  /** Packages the lockfiles resolve in more than one version. */
  duplicated: number;
  /** Resolved package versions per declared license (where the lockfile declares one). */
  licenses: { license: string; packages: number }[];
  manifests: string[];
  lockfiles: string[];
  unpinnedPackages: string[];
  duplicatedPackages: { name: string; versions: string[] }[];
}

interface Collected {
  manifests: string[];
  lockfiles: string[];
  direct: Map<string, DirectDependency['pin']>;
  locked: Map<string, Map<string, string | null | undefined>>;
}

/**
 * Manifests and lockfiles of npm, pip (requirements, pyproject, poetry.lock, uv.lock), Go,
 * Cargo, Maven/Gradle and Bundler in the tree (vendored folders left out), each read with
 * the format's parser and a size cap; a file that does not parse is listed in `unreadable`.
 */
export async function analyzeDependencies(
  ws: Workspace,
): Promise<{ ecosystems: EcosystemFigures[]; insight: InsightDraft }> {
  const byEcosystem = new Map<string, Collected>();
  const unreadable: { path: string; reason: string }[] = [];
  for (const rel of ws.files) {
    if (classifyPath(rel) === 'vendored') continue;
    for (const reader of READERS) {
      const manifest = reader.isManifest(rel);
      const lockfile = reader.isLockfile(rel);
      if (!manifest && !lockfile) continue;
      const read = await readTrackedText(
        ws.dir,
        rel,
        lockfile && !manifest ? MAX_LOCKFILE_BYTES : MAX_MANIFEST_BYTES,
      );
      if (read.kind !== 'text') {
        unreadable.push({ path: rel, reason: read.kind });
        continue;
      }
      const c: Collected = byEcosystem.get(reader.ecosystem) ?? {
        manifests: [],
        lockfiles: [],
        direct: new Map(),
        locked: new Map(),
      };
      byEcosystem.set(reader.ecosystem, c);
      try {
        if (manifest) {
          for (const dep of reader.readManifest(read.text, rel)) {
            if (dep.pin === 'local') continue;
            if (c.direct.get(dep.name) !== 'unpinned') c.direct.set(dep.name, dep.pin);
          }
          c.manifests.push(rel);
        }
        if (lockfile) {
          for (const p of reader.readLockfile(read.text, rel)) addLocked(c, p);
          if (!manifest) c.lockfiles.push(rel);
        }
      } catch {
        unreadable.push({ path: rel, reason: 'parse_error' });
      }
    }
  }
  const ecosystems = [...byEcosystem.entries()]
    .filter(([, c]) => c.manifests.length + c.lockfiles.length > 0)
    .map(([ecosystem, c]) => figures(ecosystem, c))
    .sort((a, b) => a.ecosystem.localeCompare(b.ecosystem));
  const direct = ecosystems.reduce((s, e) => s + e.direct, 0);
  const transitive = ecosystems.reduce((s, e) => s + e.transitive, 0);
  const unpinned = ecosystems.reduce((s, e) => s + e.unpinned, 0);
  const withoutLock = ecosystems.filter((e) => e.lockfiles.length === 0 && e.unpinned > 0);
  return {
    ecosystems,
    insight: {
      type: InsightType.Dependencies,
      title: `${direct} direct and ${transitive} transitive dependencies in ${ecosystems.length} ecosystems`,
      description:
        ecosystems.length === 0
          ? 'No dependency manifests or lockfiles found.'
          : `${unpinned} direct dependencies are declared with a range or no version` +
            (withoutLock.length
              ? `; ${withoutLock.map((e) => e.ecosystem).join(', ')} without a lockfile.`
              : '.'),
      severity: withoutLock.length > 0 ? Severity.Low : Severity.Info,
      confidenceScore: 0.9,
      data: { ecosystems, unreadable },
      tags: ['dependencies', ...ecosystems.map((e) => e.ecosystem)],
    },
  };
}

function addLocked(c: Collected, p: LockedPackage): void {
  const versions = c.locked.get(p.name) ?? new Map<string, string | null | undefined>();
  c.locked.set(p.name, versions);
  if (!versions.has(p.version) || (versions.get(p.version) == null && p.license))
    versions.set(p.version, p.license);
}

function figures(ecosystem: string, c: Collected): EcosystemFigures {
  const licenses = new Map<string, number>();
  const duplicatedPackages: { name: string; versions: string[] }[] = [];
  let transitive = 0;
  for (const [name, versions] of c.locked) {
    if (!c.direct.has(name)) transitive++;
    if (versions.size > 1) duplicatedPackages.push({ name, versions: [...versions.keys()].sort() });
    for (const license of versions.values())
      if (license) licenses.set(license, (licenses.get(license) ?? 0) + 1);
  }
  const unpinnedPackages = [...c.direct]
    .filter(([, pin]) => pin === 'unpinned')
    .map(([n]) => n)
    .sort();
  duplicatedPackages.sort((a, b) => a.name.localeCompare(b.name));
  return {
    ecosystem,
    direct: c.direct.size,
    transitive,
    unpinned: unpinnedPackages.length,
    duplicated: duplicatedPackages.length,
    licenses: [...licenses]
      .map(([license, packages]) => ({ license, packages }))
      .sort((a, b) => b.packages - a.packages || a.license.localeCompare(b.license)),
    manifests: c.manifests.sort(),
    lockfiles: c.lockfiles.sort(),
    unpinnedPackages: unpinnedPackages.slice(0, MAX_LISTED),
    duplicatedPackages: duplicatedPackages.slice(0, MAX_LISTED),
  };
}
