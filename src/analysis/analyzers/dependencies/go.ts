import {
  basename,
  type DirectDependency,
  type EcosystemReader,
  type LockedPackage,
} from './types.js';

export interface GoRequire {
  path: string;
  version: string;
  indirect: boolean;
}

const unquote = (s: string) =>
  /^".*"$/.test(s) ? (JSON.parse(s) as string) : s.replace(/^`|`$/g, '');

/**
 * The `require` directives of a go.mod (single lines and blocks), with their `// indirect`
 * marks. go.mod is a line-oriented format of its own with no parser on npm; this follows
 * the grammar of golang.org/x/mod/modfile for the directives it reads.
 */
export function goRequires(text: string): GoRequire[] {
  const out: GoRequire[] = [];
  let inRequire = false;
  for (const raw of text.split(/\r?\n/)) {
    const comment = raw.indexOf('//');
    const code = (comment >= 0 ? raw.slice(0, comment) : raw).trim();
    const indirect = comment >= 0 && /^\/\/\s*indirect\b/.test(raw.slice(comment));
    if (inRequire) {
      if (code === ')') {
        inRequire = false;
        continue;
      }
      const [path, version] = code.split(/\s+/);
      if (path && version) out.push({ path: unquote(path), version, indirect });
      continue;
    }
    const m = /^require\s+(.*)$/.exec(code);
    if (!m) continue;
    if (m[1].trim() === '(') {
      inRequire = true;
      continue;
    }
    const [path, version] = m[1].trim().split(/\s+/);
    if (path && version) out.push({ path: unquote(path), version, indirect });
  }
  return out;
}

export const goReader: EcosystemReader = {
  ecosystem: 'go',
  isManifest: (p) => basename(p) === 'go.mod',
  isLockfile: (p) => basename(p) === 'go.sum' || basename(p) === 'go.mod',
  // Go resolves one exact version per module (minimal version selection): nothing is unpinned.
  readManifest: (text): DirectDependency[] =>
    goRequires(text)
      .filter((r) => !r.indirect)
      .map((r) => ({ name: r.path, spec: r.version, pin: 'pinned' })),
  readLockfile(text, path): LockedPackage[] {
    if (basename(path) === 'go.mod')
      // go.mod lists the indirect requirements it needs too: they are part of the build list.
      return goRequires(text).map((r) => ({ name: r.path, version: r.version }));
    const out: LockedPackage[] = [];
    for (const line of text.split(/\r?\n/)) {
      const [mod, version] = line.trim().split(/\s+/);
      // `<module> <version>/go.mod <hash>` only checks a go.mod; the module itself is not built.
      if (!mod || !version || version.endsWith('/go.mod')) continue;
      out.push({ name: mod, version });
    }
    return out;
  },
};
