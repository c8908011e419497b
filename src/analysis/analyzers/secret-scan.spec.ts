import { describe, expect, it } from '@jest/globals';
import { PatchReader, scanText, unquoteGitPath, type AddedLines } from './secret-scan.js';

// A fake GitHub token of the right shape, assembled so no token-looking literal is in the source.
const TOKEN = ['gh', 'p_', 'Zx9Qw8Er7Ty6', 'Ui5Op4As3Df2', 'Gh1Jk0LmNbVc'].join('');

describe('secret scanning', () => {
  it('reports rule, line and a fingerprint, never the value', async () => {
    const matches = await scanText(`a = 1\nb = "${TOKEN}"\n`, 'x.py');
    expect(matches).toEqual([
      { line: 2, rule: 'github', fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
    expect(JSON.stringify(matches)).not.toContain(TOKEN);
    expect(await scanText('nothing here\n', 'x.py')).toEqual([]);
  });

  it('reads the added lines of each file per commit from `git log -p -U0`, with their line numbers', () => {
    const files: AddedLines[] = [];
    const reader = new PatchReader((f) => files.push(f), 1024);
    const patch = [
      '\x1e1111111111111111111111111111111111111111',
      '',
      'diff --git a/a.txt b/a.txt',
      'index 1..2 100644',
      '--- a/a.txt',
      '+++ b/a.txt',
      '@@ -3 +3,2 @@',
      '-old',
      '+++ looks like a header but is a line',
      '+second',
      '@@ -10,0 +11 @@',
      '+eleventh',
      'diff --git a/gone.txt b/gone.txt',
      'deleted file mode 100644',
      '--- a/gone.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      '\x1e2222222222222222222222222222222222222222',
      '',
      'diff --git "a/sp\\303\\244ce.txt" "b/sp\\303\\244ce.txt"',
      'new file mode 100644',
      '--- /dev/null',
      '+++ "b/sp\\303\\244ce.txt"',
      '@@ -0,0 +1 @@',
      '+new',
      '',
    ].join('\n');
    reader.push(patch.slice(0, 50));
    reader.push(patch.slice(50));
    reader.end();
    expect(
      files.map(({ commit, path, lines, numbers }) => ({
        commit: commit[0],
        path,
        lines,
        numbers,
      })),
    ).toEqual([
      {
        commit: '1',
        path: 'a.txt',
        lines: ['++ looks like a header but is a line', 'second', 'eleventh'],
        numbers: [3, 4, 11],
      },
      { commit: '2', path: 'späce.txt', lines: ['new'], numbers: [1] },
    ]);
    expect(unquoteGitPath('"a\\tb"')).toBe('a\tb');
  });
});
