import { describe, expect, it } from '@jest/globals';
import { commentSyntax, countLines } from './comment-syntax.js';

describe('countLines', () => {
  it('counts C-style code, comments and blanks like cloc', () => {
    const text = [
      '// header',
      '',
      'const a = 1; // trailing',
      '/* block',
      '   still */',
      'let b = /* in */ 2;',
      '  ',
      '/* one */ x();',
      '',
    ].join('\n');
    expect(countLines(text, commentSyntax('javascript'))).toEqual({
      code: 3,
      comment: 3,
      blank: 2,
    });
  });

  it('counts hash comments', () => {
    expect(countLines('# a\nx = 1\n\n  # b\n', commentSyntax('python'))).toEqual({
      code: 1,
      comment: 2,
      blank: 1,
    });
  });

  it('treats a language without comments as all code', () => {
    expect(countLines('{\n  "a": 1\n}\n', commentSyntax('json'))).toEqual({
      code: 3,
      comment: 0,
      blank: 0,
    });
  });
});
