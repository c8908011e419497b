import {
  basename,
  type DirectDependency,
  type EcosystemReader,
  type LockedPackage,
} from './types.js';

/**
 * `gem` lines of a Gemfile. A Gemfile is Ruby (no Ruby parser on npm); the `gem` method's
 * arguments are literal strings and options in practice, which is what this reads:
 * `gem 'name', '~> 1.2', '>= 1.2.1', require: false, git: '...'`.
 */
export function gemfileDependencies(text: string): DirectDependency[] {
  const out: DirectDependency[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    const m = /^gem\s*\(?\s*(["'])([^"']+)\1(.*)$/.exec(line);
    if (!m) continue;
    const rest = m[3];
    const options = rest.search(/[,\s]\s*:?\w+\s*(:|=>)/);
    const args = options >= 0 ? rest.slice(0, options) : rest;
    const opts = options >= 0 ? rest.slice(options) : '';
    const reqs = [...args.matchAll(/(["'])([^"']*)\1/g)].map((r) => r[2].trim());
    if (/\bpath\s*(:|=>)/.test(opts)) {
      out.push({ name: m[2], spec: null, pin: 'local' });
      continue;
    }
    if (/\b(git|github)\s*(:|=>)/.test(opts)) {
      out.push({
        name: m[2],
        spec: null,
        pin: /\bref\s*(:|=>)/.test(opts) ? 'pinned' : 'unpinned',
      });
      continue;
    }
    const exact = reqs.length === 1 && /^(=\s*)?\d+(\.[0-9a-z]+)*$/i.test(reqs[0]);
    out.push({ name: m[2], spec: reqs.join(', ') || null, pin: exact ? 'pinned' : 'unpinned' });
  }
  return out;
}

/** `nokogiri (1.16.0-x86_64-linux)`: platform builds of one version are one version. */
const stripPlatform = (v: string) =>
  v.replace(/-(x86|x64|arm|aarch64|universal|java|mswin|mingw|darwin|linux)[\w.-]*$/, '');

/** The gems a Gemfile.lock resolves: the `specs:` of its GEM and GIT sections (PATH ones are local). */
export function gemfileLock(text: string): LockedPackage[] {
  const out: LockedPackage[] = [];
  let section = '';
  for (const line of text.split(/\r?\n/)) {
    if (/^[A-Z]/.test(line)) {
      section = line.trim();
      continue;
    }
    if (section !== 'GEM' && section !== 'GIT') continue;
    const m = /^ {4}([^\s(]+) \(([^)]+)\)$/.exec(line);
    if (m) out.push({ name: m[1], version: stripPlatform(m[2]) });
  }
  const seen = new Set<string>();
  return out.filter(
    (p) => !seen.has(`${p.name}@${p.version}`) && seen.add(`${p.name}@${p.version}`),
  );
}

export const bundlerReader: EcosystemReader = {
  ecosystem: 'bundler',
  isManifest: (p) => basename(p) === 'Gemfile' || basename(p) === 'gems.rb',
  isLockfile: (p) => basename(p) === 'Gemfile.lock' || basename(p) === 'gems.locked',
  readManifest: (text) => gemfileDependencies(text),
  readLockfile: (text) => gemfileLock(text),
};
