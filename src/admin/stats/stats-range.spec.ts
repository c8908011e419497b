import { describe, expect, it } from '@jest/globals';
import { AppException } from '../../core/errors/app.exception.js';
import { fillPoints, resolveRange, truncate } from './stats-range.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppException ? err.code : 'other';
  }
  return undefined;
};

describe('statistics ranges', () => {
  it('truncates to UTC hours, days and ISO weeks', () => {
    const t = new Date('2026-12-02T13:45:10.123Z'); // a Wednesday
    expect(truncate(t, 'hour').toISOString()).toBe('2026-12-02T13:00:00.000Z');
    expect(truncate(t, 'day').toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(truncate(t, 'week').toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('defaults to the 30 days ending with the current hour', () => {
    const r = resolveRange(undefined, undefined, 'day', new Date('2026-12-02T13:45:00Z'));
    expect(r.to.toISOString()).toBe('2026-12-02T14:00:00.000Z');
    expect(r.from.toISOString()).toBe('2026-11-02T14:00:00.000Z');
  });

  it('refuses reversed ranges and ranges too large for the granularity', () => {
    expect(code(() => resolveRange('2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z', 'day'))).toBe(
      'ADMIN_INVALID_RANGE',
    );
    expect(code(() => resolveRange('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z', 'hour'))).toBe(
      'ADMIN_RANGE_TOO_LARGE',
    );
    expect(code(() => resolveRange('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z', 'day'))).toBe(
      undefined,
    );
  });

  it('fills every bucket of the range, with zeros where nothing happened', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-04T00:00:00Z');
    const points = fillPoints(
      [{ at: new Date('2026-01-02T00:00:00Z'), value: 5 }],
      from,
      to,
      'day',
    );
    expect(points).toEqual([
      { at: '2026-01-01T00:00:00.000Z', value: 0 },
      { at: '2026-01-02T00:00:00.000Z', value: 5 },
      { at: '2026-01-03T00:00:00.000Z', value: 0 },
    ]);
  });
});
