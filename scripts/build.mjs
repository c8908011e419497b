// `npm run build`: compiles src/ to dist/ (always, from a clean dist/) and stamps the
// build with the newest modification time among its inputs.
// `node scripts/build.mjs --if-stale` (npm start's prestart): builds only when an input
// changed since the stamped build (a file or folder under src/ edited, added, removed or
// renamed; a tsconfig or package.json edited), or when there is no stamped build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const stampFile = path.join(dist, '.build-stamp.json');
const inputs = ['src', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** The newest mtime of a file, or of a folder, everything in it and the folder itself. */
function newestMtime(file) {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  let newest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const entry of readdirSync(file)) {
      newest = Math.max(newest, newestMtime(path.join(file, entry)));
    }
  }
  return newest;
}

function stampedMtime() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).inputsMtimeMs;
  } catch {
    return undefined;
  }
}

// read before compiling: an input edited while tsc runs makes the next start rebuild
const inputsMtimeMs = Math.max(...inputs.map((input) => newestMtime(path.join(root, input))));
if (process.argv.includes('--if-stale')) {
  const stamped = stampedMtime();
  if (
    stamped !== undefined &&
    inputsMtimeMs <= stamped &&
    existsSync(path.join(dist, 'src', 'main.js'))
  ) {
    console.error('build: dist/ is up to date with src/, not rebuilding');
    process.exit(0);
  }
  console.error(stamped === undefined ? 'build: no build yet' : 'build: sources changed');
}

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
// The version and commit this build was made from, shown by GET /api/v1/admin/system.
const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', timeout: 5000 });
const commit = git.status === 0 ? git.stdout.trim() : null;
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const builtAt = new Date().toISOString();
writeFileSync(stampFile, `${JSON.stringify({ inputsMtimeMs, version, commit, builtAt })}\n`);
