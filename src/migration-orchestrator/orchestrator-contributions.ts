import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Contributions } from '../core/contributions.js';
import { DatabasesRepository } from './databases/databases.repository.js';
import { DatabasesService } from './databases/databases.service.js';
import { ExecutionStatus } from './orchestrator.types.js';

/** `completed_with_errors` → `executionsCompletedWithErrors`. */
const figureName = (status: string): string =>
  `executions${status.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}`;

/** How many target databases the health check connects to at once. */
const CHECK_CONCURRENCY = 8;

/**
 * What the admin console shows about the migration orchestrator: executions by status and
 * the registry's counts in the statistics overview, and the registered target databases
 * in GET /health/detailed (`migration-targets`: every active one is connected to).
 */
@Injectable()
export class OrchestratorContributions implements OnModuleInit {
  constructor(
    private readonly contributions: Contributions,
    private readonly dataSource: DataSource,
    private readonly databases: DatabasesRepository,
    private readonly registry: DatabasesService,
  ) {}

  onModuleInit(): void {
    this.contributions.addStats({ name: 'migrations', figures: () => this.figures() });
    this.contributions.addDependencyCheck({
      name: 'migration-targets',
      configured: () => true,
      check: (signal) => this.checkTargets(signal),
    });
  }

  private async figures(): Promise<Record<string, number>> {
    const rows = await this.dataSource.query<{ status: string; n: number }[]>(
      'SELECT status, count(*)::int AS n FROM orchestrator_executions GROUP BY status',
    );
    const figures: Record<string, number> = {};
    for (const status of Object.values(ExecutionStatus)) figures[figureName(status)] = 0;
    for (const { status, n } of rows) figures[figureName(status)] = n;
    const counts = await this.databases.counts();
    figures.databasesActive = counts.active;
    figures.databasesUnreachable = counts.unreachable;
    return figures;
  }

  /** Connects to every active target (a few at a time); down when any is unreachable. */
  private async checkTargets(signal: AbortSignal): Promise<string> {
    const targets = await this.databases.selectActive({});
    if (targets.length === 0) return 'no target databases registered';
    const unreachable: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < targets.length && !signal.aborted) {
        const target = targets[next++];
        const result = await this.registry.test(target.id);
        if (!result.reachable) unreachable.push(target.name);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHECK_CONCURRENCY, targets.length) }, worker));
    const reachable = `${targets.length - unreachable.length} of ${targets.length} reachable`;
    if (unreachable.length > 0) {
      throw new Error(`${reachable}; unreachable: ${unreachable.sort().slice(0, 10).join(', ')}`);
    }
    return reachable;
  }
}
