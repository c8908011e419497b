import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEPENDENCY_FILES, EXPECTED_ECOSYSTEMS } from '../../../test/support/dependency-fixture.js';
import { analyzeDependencies } from './dependencies.analyzer.js';
import { pnpmKey, npmReader } from './dependencies/npm.js';
import { goRequires } from './dependencies/go.js';

describe('dependencies analyzer', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'meridian-deps-'));
    for (const [file, text] of Object.entries(DEPENDENCY_FILES)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    mkdirSync(path.join(dir, 'linked'));
    symlinkSync('/etc/hostname', path.join(dir, 'linked/package.json'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts direct, transitive, unpinned, duplicated and licenses per ecosystem as worked out by hand', async () => {
    const files = [...Object.keys(DEPENDENCY_FILES), 'linked/package.json'];
    const result = await analyzeDependencies({
      dir,
      files,
      git: () => Promise.resolve(''),
      cache: () => ({ get: () => undefined, set: () => undefined }),
    });
    expect(result.ecosystems).toEqual(EXPECTED_ECOSYSTEMS);
    // a symlink is never read, even when listed
    expect(result.insight.data.unreadable).toEqual([
      { path: 'linked/package.json', reason: 'not_regular' },
    ]);
    expect(result.insight.severity).toBe('info');
  });

  it('reads pnpm lockfile keys of versions 5, 6 and 9', () => {
    expect(pnpmKey('/lodash/4.17.21')).toEqual({ name: 'lodash', version: '4.17.21' });
    expect(pnpmKey('/@babel/core/7.24.0_supports-color@8.1.1')).toEqual({
      name: '@babel/core',
      version: '7.24.0',
    });
    expect(pnpmKey('/@types/node@20.11.0')).toEqual({ name: '@types/node', version: '20.11.0' });
    expect(pnpmKey('ts-node@10.9.2(@types/node@20.11.0)(typescript@5.4.2)')).toEqual({
      name: 'ts-node',
      version: '10.9.2',
    });
    const lock = `lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      ms:
        specifier: ^2.1.0
        version: 2.1.3
packages:
  ms@2.1.3:
    resolution: {integrity: sha512-x}
  ms@2.0.0:
    resolution: {integrity: sha512-y}
snapshots:
  ms@2.1.3: {}
`;
    expect(npmReader.readLockfile(lock, 'pnpm-lock.yaml')).toEqual([
      { name: 'ms', version: '2.1.3' },
      { name: 'ms', version: '2.0.0' },
    ]);
  });

  it('reads go.mod requirements in blocks and single lines, with their indirect marks', () => {
    expect(
      goRequires(
        'module x\nrequire (\n\t"a.io/b" v1.0.0 // indirect\n\tc.io/d v0.1.0\n)\nrequire e.io/f v2.0.0+incompatible\n',
      ),
    ).toEqual([
      { path: 'a.io/b', version: 'v1.0.0', indirect: true },
      { path: 'c.io/d', version: 'v0.1.0', indirect: false },
      { path: 'e.io/f', version: 'v2.0.0+incompatible', indirect: false },
    ]);
  });
});
