import { AppException } from '../../core/errors/app.exception.js';
import { AdminErrorCode, invalidRange } from '../admin.errors.js';
import type { Granularity, Point } from './stats.repository.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The longest range each granularity serves. */
export const MAX_RANGE_MS: Record<Granularity, number> = {
  hour: 31 * DAY,
  day: 366 * DAY,
  week: 104 * 7 * DAY,
};

/** Start of the UTC hour, day or ISO week (Monday) holding `t`. */
export function truncate(t: Date, g: Granularity): Date {
  const d = new Date(t);
  d.setUTCMinutes(0, 0, 0);
  if (g === 'hour') return d;
  d.setUTCHours(0);
  if (g === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
}

function step(t: Date, g: Granularity): Date {
  const d = new Date(t);
  if (g === 'hour') d.setUTCHours(d.getUTCHours() + 1);
  else d.setUTCDate(d.getUTCDate() + (g === 'week' ? 7 : 1));
  return d;
}

/**
 * The range of a request: `to` defaults to the end of the current hour (so answers stay
 * cacheable for a while), `from` to 30 days before `to`. 400 when from is not before to
 * or the range is too large for the granularity.
 */
export function resolveRange(
  from: string | undefined,
  to: string | undefined,
  g: Granularity,
  now = new Date(),
): { from: Date; to: Date } {
  const end = to ? new Date(to) : step(truncate(now, 'hour'), 'hour');
  const start = from ? new Date(from) : new Date(end.getTime() - 30 * DAY);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
    throw invalidRange('from and to must be ISO 8601 dates.');
  if (start >= end) throw invalidRange('from must be before to.');
  if (end.getTime() - start.getTime() > MAX_RANGE_MS[g]) {
    throw new AppException(
      400,
      AdminErrorCode.RangeTooLarge,
      `A ${g} series spans at most ${MAX_RANGE_MS[g] / DAY} days; use a coarser granularity or a shorter range.`,
    );
  }
  return { from: start, to: end };
}

/** Every bucket start of the range, with the value found for it or 0. */
export function fillPoints(
  points: Point[],
  from: Date,
  to: Date,
  g: Granularity,
): { at: string; value: number }[] {
  const byTime = new Map(points.map((p) => [new Date(p.at).getTime(), Number(p.value)]));
  const out: { at: string; value: number }[] = [];
  for (let t = truncate(from, g); t < to; t = step(t, g)) {
    out.push({ at: t.toISOString(), value: byTime.get(t.getTime()) ?? 0 });
  }
  return out;
}
