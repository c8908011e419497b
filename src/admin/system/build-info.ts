import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface BuildInfo {
  version: string;
  commit: string | null;
  builtAt: string | null;
}

let cached: BuildInfo | undefined;

/** What `npm run build` recorded (dist/.build-stamp.json), else package.json's version. */
export function buildInfo(): BuildInfo {
  if (cached) return cached;
  const read = (file: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  // compiled: dist/src/admin/system (the repository is four levels up); sources: three
  const roots = [3, 4].map((up) =>
    path.resolve(import.meta.dirname, ...Array<string>(up).fill('..')),
  );
  const first = (file: string) =>
    roots.map((root) => read(path.join(root, file))).find((v) => v !== undefined);
  const stamp = first('dist/.build-stamp.json');
  const pkg = first('package.json');
  cached = {
    version:
      [stamp?.version, pkg?.version].find((v): v is string => typeof v === 'string') ?? '0.0.0',
    commit: typeof stamp?.commit === 'string' ? stamp.commit : null,
    builtAt: typeof stamp?.builtAt === 'string' ? stamp.builtAt : null,
  };
  return cached;
}
