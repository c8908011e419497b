import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One figure for one hour: the rollup statistics are read from. Kept current by the
 * rollup job (figures derived from the features' tables) and by counters incremented
 * as events happen (StatsCounters).
 */
@Entity('stats_buckets')
export class StatsBucket {
  @PrimaryColumn({ type: 'varchar', length: 80 })
  metric!: string;

  /** Start of the hour (UTC). */
  @PrimaryColumn({ type: 'timestamptz' })
  bucket!: Date;

  @Column({ type: 'bigint', default: 0 })
  value!: string;
}
