import { CronExpressionParser } from 'cron-parser';
import { cronInvalid, scheduleTiming, timezoneInvalid } from '../orchestrator.errors.js';

export function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC' || tz === 'Etc/UTC';
  } catch {
    return false;
  }
}

/** Checks a cron expression (5 or 6 fields) in an IANA zone; returns its next run. */
export function nextCronRun(expression: string, tz: string, from = new Date()): Date {
  if (!validTimezone(tz)) throw timezoneInvalid(tz);
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6)
    throw cronInvalid(`expected 5 or 6 fields, got ${fields.length}`);
  try {
    return CronExpressionParser.parse(expression, { tz, currentDate: from, strict: false })
      .next()
      .toDate();
  } catch (err) {
    throw cronInvalid(err instanceof Error ? err.message : String(err));
  }
}

/** Exactly one of cron and runAt; runAt in the future. */
export function checkTiming(
  cron: string | null,
  runAt: Date | null,
  tz: string,
  now = new Date(),
): void {
  if ((cron === null) === (runAt === null))
    throw scheduleTiming('Give either cronExpression or runAt, not both and not neither.');
  if (cron !== null) nextCronRun(cron, tz, now);
  else {
    if (!validTimezone(tz)) throw timezoneInvalid(tz);
    if (runAt!.getTime() <= now.getTime()) throw scheduleTiming('runAt is in the past.');
  }
}
