import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';

export interface PoolFigures {
  size: number;
  total: number;
  idle: number;
  waiting: number;
}

/** The pg pool behind TypeORM: connections open, idle, and requests waiting for one. */
export function poolFigures(dataSource: DataSource, size: number): PoolFigures {
  const pool = (
    dataSource.driver as unknown as {
      master?: { totalCount?: number; idleCount?: number; waitingCount?: number };
    }
  ).master;
  return {
    size,
    total: pool?.totalCount ?? 0,
    idle: pool?.idleCount ?? 0,
    waiting: pool?.waitingCount ?? 0,
  };
}

export interface QueueFigures {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/** Job counts per queue, each read with a timeout (a backend that hangs costs nothing). */
export async function queueFigures(queues: Queue[], timeoutMs: number): Promise<QueueFigures[]> {
  return Promise.all(
    queues.map(async (queue) => {
      const counts = await Promise.race([
        queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`queue ${queue.name} did not answer`)),
            timeoutMs,
          ).unref(),
        ),
      ]);
      return {
        name: queue.name,
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
        completed: counts.completed ?? 0,
      };
    }),
  );
}

let histogram: ReturnType<typeof monitorEventLoopDelay> | undefined;

/** Event-loop delay since the first call (ms): mean, p50, p99, max. */
export function eventLoopDelay(): { meanMs: number; p50Ms: number; p99Ms: number; maxMs: number } {
  if (!histogram) {
    histogram = monitorEventLoopDelay({ resolution: 20 });
    histogram.enable();
  }
  const ms = (ns: number) => Math.round((Number.isFinite(ns) ? ns : 0) / 1e4) / 100;
  return {
    meanMs: ms(histogram.mean),
    p50Ms: ms(histogram.percentile(50)),
    p99Ms: ms(histogram.percentile(99)),
    maxMs: ms(histogram.max),
  };
}
