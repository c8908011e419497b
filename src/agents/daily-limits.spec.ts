import { describe, expect, it } from '@jest/globals';
import {
  addDays,
  dailyLimitFor,
  daysInRange,
  nextUtcMidnight,
  secondsUntilUtcMidnight,
  utcDay,
} from './daily-limits.js';

describe('dailyLimitFor', () => {
  it('is unlimited when no limits are configured', () => {
    expect(dailyLimitFor(['user'], {})).toBeNull();
    expect(dailyLimitFor([], {})).toBeNull();
  });

  it("takes the most generous of the caller's roles that have an entry", () => {
    const limits = { user: 50, premium: 500, staff: 200 };
    expect(dailyLimitFor(['user'], limits)).toBe(50);
    expect(dailyLimitFor(['user', 'premium', 'staff'], limits)).toBe(500);
    expect(dailyLimitFor(['staff', 'other'], limits)).toBe(200);
  });

  it('ignores a larger default when one of the roles has an entry', () => {
    expect(dailyLimitFor(['user'], { user: 5, default: 100 })).toBe(5);
  });

  it('gives a caller none of whose roles has an entry the default, else no limit', () => {
    expect(dailyLimitFor(['other'], { user: 5, default: 20 })).toBe(20);
    expect(dailyLimitFor([], { default: 20 })).toBe(20);
    expect(dailyLimitFor(['other'], { user: 5 })).toBeNull();
  });

  it('honours a limit of zero', () => {
    expect(dailyLimitFor(['trial'], { trial: 0 })).toBe(0);
  });

  it('does not treat inherited object keys as roles', () => {
    expect(dailyLimitFor(['constructor', 'toString'], { user: 5 })).toBeNull();
  });
});

describe('UTC days', () => {
  it('reads the UTC day, not the local one', () => {
    expect(utcDay(new Date('2026-11-21T23:59:59.999Z'))).toBe('2026-11-21');
    expect(utcDay(new Date('2026-11-22T00:00:00.000Z'))).toBe('2026-11-22');
  });

  it('adds days across months and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-11-21', -29)).toBe('2026-10-23');
  });

  it('counts days of a range with both ends included', () => {
    expect(daysInRange('2026-11-21', '2026-11-21')).toBe(1);
    expect(daysInRange('2026-10-23', '2026-11-21')).toBe(30);
    expect(daysInRange('2026-11-22', '2026-11-21')).toBe(0);
  });

  it('counts the seconds until the next UTC midnight, at least one', () => {
    expect(secondsUntilUtcMidnight(new Date('2026-11-21T23:00:00.000Z'))).toBe(3600);
    expect(secondsUntilUtcMidnight(new Date('2026-11-21T23:59:59.500Z'))).toBe(1);
    expect(secondsUntilUtcMidnight(new Date('2026-11-22T00:00:00.000Z'))).toBe(86_400);
    expect(nextUtcMidnight(new Date('2026-11-21T05:00:00Z')).toISOString()).toBe(
      '2026-11-22T00:00:00.000Z',
    );
  });
});
