import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './app-config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Variables set by the e2e global setup for its suites, or knobs of a test peer: not operators'. */
const TEST_PLUMBING = new Set([
  'MERIDIAN_TEST_SERVER_URL',
  'MERIDIAN_TEST_TEMPLATE',
  'MERIDIAN_TEST_RUN',
  'KC_AUDIENCE',
  'KC_CLIENT_ID',
  // The operating system's and CI's own variables, read to spawn processes as a shell would.
  'PATH',
  'HOME',
  'CI',
]);

/** The names in the table rows (`| \`NAME\` | ...`) of a markdown section. */
function tableNames(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no "${heading}" section`);
  const level = heading.split(' ')[0];
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`^${level} `, 'm'));
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(path.join(ROOT, file)).isDirectory()) {
      return name === 'node_modules' || name === 'results' ? [] : sourceFiles(file);
    }
    return /\.(ts|mjs|js)$/.test(name) ? [file] : [];
  });
}

/** `process.env.NAME` and `process.env['NAME']` reads, by file. */
function envReads(files: string[]): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const file of files) {
    for (const m of read(file).matchAll(
      /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g,
    )) {
      const name = m[1] ?? m[2];
      names.set(name, [...(names.get(name) ?? []), file]);
    }
  }
  return names;
}

/** Every variable loadConfig reads: the keys it looks up on the environment it is given. */
function variablesTheAppReads(): Set<string> {
  const seen = new Set<string>();
  const env = new Proxy(
    {},
    {
      get: (_target, key) => {
        if (typeof key === 'string') seen.add(key);
        return undefined;
      },
    },
  );
  loadConfig(env);
  return seen;
}

describe("the README's configuration section", () => {
  const readme = read('README.md');
  const listed = tableNames(readme, '## Configuration');
  const app = variablesTheAppReads();
  const suites = [...envReads(sourceFiles('test')).keys()].filter((n) => !TEST_PLUMBING.has(n));

  it('lists every variable Meridian reads', () => {
    expect(app.size).toBeGreaterThan(40);
    expect([...app].filter((name) => !listed.includes(name)).sort()).toEqual([]);
  });

  it('lists the variables operators set for the test suites', () => {
    expect(suites.filter((name) => !listed.includes(name)).sort()).toEqual([]);
  });

  it('lists nothing that nothing reads, and each variable once', () => {
    const known = new Set([...app, ...suites]);
    expect(listed.filter((name) => !known.has(name))).toEqual([]);
    expect(listed.filter((name, i) => listed.indexOf(name) !== i)).toEqual([]);
  });

  it('is backed by one reader: src reads process.env only in src/config', () => {
    const elsewhere = [...envReads(sourceFiles('src')).entries()]
      .flatMap(([name, files]) => files.map((file) => `${file}: ${name}`))
      .filter((entry) => !entry.startsWith(`src${path.sep}config${path.sep}`));
    expect(elsewhere).toEqual([]);
  });

  it('leaves benchmark settings to bench/README.md, which names each one', () => {
    const benchReadme = read('bench/README.md');
    const missing = [...envReads(sourceFiles('bench')).keys()].filter(
      (name) => !benchReadme.includes(`\`${name}\``) && !listed.includes(name),
    );
    expect(missing).toEqual([]);
  });
});
