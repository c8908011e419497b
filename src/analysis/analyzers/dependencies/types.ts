/** A dependency a manifest declares itself (not one pulled in by another package). */
export interface DirectDependency {
  name: string;
  /** The declared requirement as written (`^1.2.0`, `==2.31.0`), null when none is given. */
  spec: string | null;
  /** `pinned`: one exact version; `unpinned`: a range or no version; `local`: a path or workspace package (not counted). */
  pin: 'pinned' | 'unpinned' | 'local';
}

/** One package version a lockfile resolves. */
export interface LockedPackage {
  name: string;
  version: string;
  /** The license the lockfile declares for it, when it declares one. */
  license?: string | null;
}

/** How one ecosystem's files are recognised and read. */
export interface EcosystemReader {
  ecosystem: string;
  /** Does this (repository-relative) path name one of the ecosystem's manifests? */
  isManifest(path: string): boolean;
  isLockfile(path: string): boolean;
  readManifest(text: string, path: string): DirectDependency[];
  readLockfile(text: string, path: string): LockedPackage[];
}

export const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
