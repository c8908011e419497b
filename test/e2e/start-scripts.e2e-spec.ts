// The scripts behind `npm install`, `npm start` and `npm run build`: the Node.js version
// check and the build that is skipped when it is up to date.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ROOT = process.cwd();

/** The machine's own Node.js (Debian's), when it is older than 24: what a newcomer may have. */
function oldNode(): { path: string; version: string } | undefined {
  const candidate = '/usr/bin/node';
  if (!existsSync(candidate)) return undefined;
  const version = spawnSync(candidate, ['-p', 'process.versions.node'], {
    encoding: 'utf8',
  }).stdout.trim();
  return Number(version.split('.')[0]) < 24 ? { path: candidate, version } : undefined;
}

/** npm's CLI script, as the test run was started with, else the `npm` found on PATH. */
function npmCli(): string {
  const fromRun = process.env.npm_execpath;
  if (fromRun?.endsWith('.js')) return fromRun;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const npm = path.join(dir, 'npm');
    if (existsSync(npm)) return realpathSync(npm);
  }
  throw new Error('npm not found');
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'meridian-scripts-'));
}

async function copyIn(dir: string, files: string[]): Promise<void> {
  for (const file of files) {
    await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
    await copyFile(path.join(ROOT, file), path.join(dir, file));
  }
}

describe('the Node.js version check', () => {
  let dir: string;
  beforeEach(async () => (dir = await tempDir()));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lets a Node.js that package.json allows through, silently', () => {
    const run = spawnSync(process.execPath, ['scripts/check-node.cjs'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe('');
  });

  it('stops at once naming the required and the found version', async () => {
    await copyIn(dir, ['scripts/check-node.cjs']);
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ engines: { node: '>=99' } }));
    const run = spawnSync(process.execPath, ['scripts/check-node.cjs'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `Meridian needs Node.js 99 or newer (package.json engines.node ">=99"), but this is Node.js v${process.versions.node}`,
    );
  });

  // CI machines have Debian's Node.js 20 at /usr/bin/node: there this test must run.
  const old = oldNode();
  (old || process.env.CI ? it : it.skip)(
    "stops npm start and npm install on the machine's older Node.js",
    async () => {
      expect(old).toBeDefined(); // CI: /usr/bin/node must be a Node.js older than 24
      const { path: node, version } = old!;
      await copyIn(dir, ['package.json', 'package-lock.json', '.npmrc', 'scripts/check-node.cjs']);
      // a terminal whose PATH has only the old Node.js
      const env = { PATH: `${path.dirname(node)}:/bin`, HOME: dir };
      const npm = (args: string[]) =>
        spawnSync(node, [npmCli(), ...args], { cwd: dir, env, encoding: 'utf8' });

      const check = spawnSync(node, ['scripts/check-node.cjs'], { cwd: dir, encoding: 'utf8' });
      expect(check.status).toBe(1);
      expect(check.stderr).toContain(
        `Meridian needs Node.js 24 or newer (package.json engines.node ">=24"), but this is Node.js v${version}`,
      );

      const start = npm(['start']);
      expect(start.status).not.toBe(0);
      expect(start.stderr).toContain(`Meridian needs Node.js 24 or newer`);
      expect(start.stderr).toContain(`Node.js v${version}`);
      expect(existsSync(path.join(dir, 'dist'))).toBe(false);

      const install = npm(['install', '--no-audit', '--no-fund', '--ignore-scripts']);
      expect(install.status).not.toBe(0);
      expect(install.stderr).toContain('EBADENGINE');
      expect(install.stderr).toContain('Required: {"node":">=24"}');
      expect(install.stderr).toContain(`"node":"v${version}"`);
      expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
    },
    60_000,
  );
});

describe('the build (npm run build, and npm start before it starts)', () => {
  let dir: string;
  const build = (...args: string[]) =>
    spawnSync(process.execPath, ['scripts/build.mjs', ...args], { cwd: dir, encoding: 'utf8' });
  /** A file the build did not write: gone after a build, still there when it was skipped. */
  const mark = () => writeFile(path.join(dir, 'dist', 'marker'), '');
  const marked = () => existsSync(path.join(dir, 'dist', 'marker'));
  const later = (file: string) => {
    const t = new Date(Date.now() + 5_000);
    return utimes(path.join(dir, file), t, t);
  };

  beforeEach(async () => {
    // a small project with the same layout, built by the real script and TypeScript
    dir = await tempDir();
    await copyIn(dir, ['scripts/build.mjs']);
    await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ include: ['src/**/*.ts'] }));
    await writeFile(
      path.join(dir, 'tsconfig.build.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: {
          module: 'nodenext',
          rootDir: '.',
          outDir: 'dist',
          strict: true,
          types: [],
        },
      }),
    );
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'src', 'main.ts'), 'export const answer: number = 42;\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('always builds when run as npm run build', async () => {
    expect(build().status).toBe(0);
    expect(existsSync(path.join(dir, 'dist', 'src', 'main.js'))).toBe(true);
    await mark();
    expect(build().status).toBe(0);
    expect(marked()).toBe(false);
    expect(existsSync(path.join(dir, 'dist', 'src', 'main.js'))).toBe(true);
  });

  it('builds when there is no build yet, then skips while nothing changed', async () => {
    const first = build('--if-stale');
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('build: no build yet');
    await mark();
    const second = build('--if-stale');
    expect(second.status).toBe(0);
    expect(second.stderr).toContain('build: dist/ is up to date with src/, not rebuilding');
    expect(marked()).toBe(true);
  });

  it('rebuilds when a source is edited, added or removed, or the TypeScript settings change', async () => {
    expect(build().status).toBe(0);
    const rebuilt = async (change: () => Promise<unknown>) => {
      await mark();
      await change();
      const run = build('--if-stale');
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('build: sources changed');
      return !marked();
    };
    expect(await rebuilt(() => later('src/main.ts'))).toBe(true);
    expect(
      await rebuilt(async () => {
        await mkdir(path.join(dir, 'src', 'feature'));
        await writeFile(path.join(dir, 'src', 'feature', 'extra.ts'), 'export const x = 1;\n');
        await later('src/feature');
      }),
    ).toBe(true);
    expect(existsSync(path.join(dir, 'dist', 'src', 'feature', 'extra.js'))).toBe(true);
    expect(
      await rebuilt(async () => {
        await rm(path.join(dir, 'src', 'feature', 'extra.ts'));
        await later('src/feature');
      }),
    ).toBe(true);
    expect(existsSync(path.join(dir, 'dist', 'src', 'feature', 'extra.js'))).toBe(false);
    expect(await rebuilt(() => later('tsconfig.build.json'))).toBe(true);
  });

  it('leaves no stamp after a failed build, so the next start builds again', async () => {
    await writeFile(path.join(dir, 'src', 'broken.ts'), 'export const n: number = "text";\n');
    expect(build('--if-stale').status).not.toBe(0);
    expect(existsSync(path.join(dir, 'dist', '.build-stamp.json'))).toBe(false);
    expect(build('--if-stale').stderr).toContain('build: no build yet');
  });
});
