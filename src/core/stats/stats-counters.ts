import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Counters of events kept in the statistics rollup as they happen (one upsert into the
 * current hour's bucket). Features call this for events no table of theirs records
 * (a refused request, say); figures derived from their own rows come from the rollup job.
 */
@Injectable()
export class StatsCounters {
  private readonly logger = new Logger('Stats');

  constructor(private readonly dataSource: DataSource) {}

  /** Adds `by` to the metric's current hour, inside `manager`'s transaction when given. */
  async increment(metric: string, by = 1, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO stats_buckets (metric, bucket, value) VALUES ($1, date_trunc('hour', now()), $2)
       ON CONFLICT (metric, bucket) DO UPDATE SET value = stats_buckets.value + EXCLUDED.value`,
      [metric, by],
    );
  }

  /** The same, for a caller that must not wait or fail because of statistics. */
  incrementLater(metric: string, by = 1): void {
    this.increment(metric, by).catch((err: unknown) =>
      this.logger.debug(`counter ${metric} not incremented: ${String(err)}`),
    );
  }
}
