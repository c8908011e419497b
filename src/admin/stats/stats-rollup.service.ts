import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ROLLUP_SOURCES } from './stats-metrics.js';

/** The rollup job runs this often: statistics are at most this far behind. */
export const STATS_ROLLUP_EVERY_MS = 15_000;
const ROLLUP_LOCK = 7_316_003;

/**
 * Keeps the hourly statistics buckets current: each run re-derives the recent hours of
 * every metric from its feature's table (an indexed range, not a scan), and the first
 * run backfills all history. Runs on one worker at a time (an advisory lock).
 */
@Injectable()
export class StatsRollup {
  private readonly logger = new Logger('Stats');

  constructor(private readonly dataSource: DataSource) {}

  /** Returns the number of buckets written, or null when another worker is running it. */
  async run(): Promise<number | null> {
    return this.dataSource.transaction(async (m) => {
      const [lock] = await m.query<{ ok: boolean }[]>(
        'SELECT pg_try_advisory_xact_lock($1) AS ok',
        [ROLLUP_LOCK],
      );
      if (!lock.ok) return null;
      let written = 0;
      for (const source of ROLLUP_SOURCES) {
        const sql = source.sql.replace('$1', '(SELECT t FROM since)');
        const result: [unknown[], number] = await m.query(
          `WITH since AS (
             SELECT COALESCE(max(bucket) - make_interval(hours => $2), '-infinity'::timestamptz) AS t
               FROM stats_buckets WHERE metric = $1),
           src AS (${sql})
           INSERT INTO stats_buckets (metric, bucket, value)
           SELECT $1, bucket, value FROM src
           ON CONFLICT (metric, bucket) DO UPDATE SET value = EXCLUDED.value
             WHERE stats_buckets.value IS DISTINCT FROM EXCLUDED.value`,
          [source.metric, source.lookbackHours],
        );
        written += Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
      }
      if (written > 0) this.logger.debug(`statistics rollup wrote ${written} buckets`);
      return written;
    });
  }
}
