const DAY_MS = 86_400_000;

/** The role whose entry applies to callers none of whose roles has one. */
export const DEFAULT_LIMIT_ROLE = 'default';

/**
 * Messages per UTC day a caller with `roles` may send (CHAT_DAILY_LIMITS), null = no limit.
 * - no limits configured: no limit;
 * - otherwise the most generous entry among the caller's roles that have one;
 * - a caller none of whose roles has an entry gets the `default` entry, else no limit.
 */
export function dailyLimitFor(
  roles: readonly string[],
  limits: Readonly<Record<string, number>>,
): number | null {
  const own = roles
    .filter((r) => r !== DEFAULT_LIMIT_ROLE && Object.hasOwn(limits, r))
    .map((r) => limits[r]);
  if (own.length > 0) return Math.max(...own);
  return Object.hasOwn(limits, DEFAULT_LIMIT_ROLE) ? limits[DEFAULT_LIMIT_ROLE] : null;
}

/** The UTC day of `at` as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The day `days` after (or before, when negative) a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** Days from `from` to `to`, both included (1 for the same day; 0 or less when reversed). */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The next UTC midnight after `at`. */
export function nextUtcMidnight(at: Date): Date {
  return new Date(Date.parse(`${utcDay(at)}T00:00:00Z`) + DAY_MS);
}

/** Whole seconds from `at` until the next UTC midnight (at least 1): the Retry-After value. */
export function secondsUntilUtcMidnight(at: Date): number {
  return Math.max(1, Math.ceil((nextUtcMidnight(at).getTime() - at.getTime()) / 1000));
}
