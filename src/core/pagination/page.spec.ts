import { describe, expect, it } from '@jest/globals';
import { AppException } from '../errors/app.exception.js';
import { decodeCursor, encodeCursor, toPage } from './page.js';

describe('keyset pagination', () => {
  it('round-trips a cursor', () => {
    const c = encodeCursor(['2026-11-21T10:00:00.000Z', 'a1b2']);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, 2)).toEqual(['2026-11-21T10:00:00.000Z', 'a1b2']);
  });

  it.each(['', 'bm9wZQ', encodeCursor(['only-one']), Buffer.from('{"a":1}').toString('base64url')])(
    'rejects a foreign cursor %p with a 400',
    (cursor) => {
      expect(() => decodeCursor(cursor, 2)).toThrow(AppException);
    },
  );

  it('uses the extra row only to tell that a next page exists', () => {
    const page = toPage(
      [1, 2, 3],
      2,
      (n) => n * 10,
      (n) => [n],
    );
    expect(page.items).toEqual([10, 20]);
    expect(decodeCursor(page.nextCursor!, 1)).toEqual([2]);
    expect(
      toPage(
        [1, 2],
        2,
        (n) => n,
        (n) => [n],
      ).nextCursor,
    ).toBeNull();
  });
});
