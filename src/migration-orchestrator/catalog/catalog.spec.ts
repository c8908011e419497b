import { describe, expect, it } from '@jest/globals';
import { DatabaseType, HistoryKind } from '../orchestrator.types.js';
import { replay, pendingOf, driftOf, type HistoryRow } from '../target/history.js';
import {
  compareVersions,
  orderedFiles,
  parseFile,
  validateCatalog,
  type CatalogFile,
  type CatalogProblem,
} from './catalog.js';
import { splitSql } from './sql-splitter.js';

const file = (type: DatabaseType, name: string, sql = 'SELECT 1;') => {
  const problems: CatalogProblem[] = [];
  const f = parseFile(type, name, Buffer.from(sql), problems);
  return { f, problems };
};

describe('catalog files', () => {
  it('parses names, headers and checksums', () => {
    const { f } = file(
      DatabaseType.Tenant,
      'V2_1__add index.sql',
      '-- meridian:no-transaction\n-- meridian:depends-on admin:3, shared:1.2\nCREATE INDEX CONCURRENTLY x ON t (a);',
    );
    expect(f).toMatchObject({
      kind: 'versioned',
      version: '2.1',
      description: 'add index',
      noTransaction: true,
      dependsOn: [
        { type: 'admin', version: '3' },
        { type: 'shared', version: '1.2' },
      ],
    });
    expect(f!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(file(DatabaseType.Tenant, 'R__view.sql').f).toMatchObject({
      kind: 'repeatable',
      version: null,
    });
    expect(file(DatabaseType.Tenant, 'U2_1__x.sql').f).toMatchObject({
      kind: 'undo',
      version: '2.1',
    });
  });

  it('reports malformed names and headers with the file', () => {
    expect(file(DatabaseType.Admin, 'V1_init.sql').problems[0]).toMatchObject({
      file: 'admin/V1_init.sql',
    });
    expect(
      file(DatabaseType.Admin, 'V1__a.sql', '-- meridian:depends-on moon:1\n').problems[0].message,
    ).toMatch(/bad depends-on/);
    expect(
      file(DatabaseType.Admin, 'V1__a.sql', '-- meridian:frobnicate\n').problems[0].message,
    ).toMatch(/unknown header/);
  });

  it('orders versions numerically and finds duplicates and cycles', () => {
    expect(['10', '2', '1.1', '1'].sort(compareVersions)).toEqual(['1', '1.1', '2', '10']);
    const files = ['V10__c.sql', 'V2__b.sql', 'V1__a.sql', 'R__z.sql'].map(
      (n) => file(DatabaseType.Tenant, n).f!,
    );
    expect(orderedFiles(files, DatabaseType.Tenant).map((f) => f.fileName)).toEqual([
      'V1__a.sql',
      'V2__b.sql',
      'V10__c.sql',
      'R__z.sql',
    ]);
    const problems: CatalogProblem[] = [];
    validateCatalog([...files, file(DatabaseType.Tenant, 'V01__again.sql').f!], problems);
    expect(problems[0].message).toMatch(/duplicate version 1/);
    const cyclic: CatalogProblem[] = [];
    validateCatalog(
      [
        file(DatabaseType.Admin, 'V1__a.sql', '-- meridian:depends-on tenant:1\n').f!,
        file(DatabaseType.Tenant, 'V1__t.sql', '-- meridian:depends-on admin:1\n').f!,
      ],
      cyclic,
    );
    expect(cyclic[0].message).toMatch(/dependency cycle/);
  });
});

describe('splitSql', () => {
  it('splits at top-level semicolons only', () => {
    const sql =
      'SELECT \';\'; -- a ; comment\nDO $x$ BEGIN PERFORM 1; END $x$;\n/* ; */ SELECT "a;b" FROM t;';
    expect(splitSql(sql).map((s) => s.sql)).toEqual([
      "SELECT ';'",
      '-- a ; comment\nDO $x$ BEGIN PERFORM 1; END $x$',
      '/* ; */ SELECT "a;b" FROM t',
    ]);
    expect(splitSql('SELECT 1;\n\nSELECT 2')[1].offset).toBe(11);
  });
});

describe('history replay', () => {
  const row = (
    rank: number,
    kind: HistoryKind,
    version: string | null,
    checksum: string,
    success = true,
  ): HistoryRow => ({
    installedRank: rank,
    version,
    description: version ? `v${version}` : 'view',
    kind,
    checksum,
    installedBy: 'x',
    installedAt: new Date(),
    executionTimeMs: 0,
    success,
    executionId: null,
  });
  const catalog = (version: string, checksum: string): CatalogFile => ({
    type: DatabaseType.Tenant,
    kind: 'versioned',
    version,
    description: `v${version}`,
    fileName: `V${version}__v${version}.sql`,
    checksum,
    noTransaction: false,
    dependsOn: [],
    sql: '',
  });

  it('applies, undoes, repairs and remembers failures', () => {
    const state = replay([
      row(1, HistoryKind.Versioned, '1', 'a'),
      row(2, HistoryKind.Versioned, '2', 'b'),
      row(3, HistoryKind.Undo, '2', 'u'),
      row(4, HistoryKind.Versioned, '3', 'c', false),
      row(5, HistoryKind.Repair, '1', 'a2'),
    ]);
    expect([...state.applied.entries()]).toEqual([['1', 'a2']]);
    expect(state.currentVersion).toBe('1');
    expect([...state.failures.keys()]).toEqual(['V:3']);
    const files = [catalog('1', 'a2'), catalog('2', 'b'), catalog('3', 'c')];
    expect(pendingOf(state, files).map((f) => f.version)).toEqual(['2', '3']);
    expect(driftOf(state, files)).toEqual([]);
    expect(driftOf(state, [catalog('1', 'other')])).toEqual([
      { version: '1', appliedChecksum: 'a2', catalogChecksum: 'other' },
    ]);
  });
});
