import { Injectable } from '@nestjs/common';

/** One dependency a feature talks to, checked by GET /health/detailed. */
export interface DependencyCheck {
  /** Stable name used by /health/services/{name} (lowercase, e.g. `github`). */
  name: string;
  /** Is it configured at all? Unconfigured dependencies are listed as such, not checked. */
  configured: () => boolean;
  /** Resolves with a short detail when reachable; throws (or times out) when not. */
  check: (signal: AbortSignal) => Promise<string | undefined>;
}

/** Figures a feature adds to the statistics overview (e.g. connections by status). */
export interface StatsContribution {
  /** Section name in the overview (`connections`). */
  name: string;
  /** Named counts, computed from that feature's own (rolled-up or indexed) data. */
  figures: () => Promise<Record<string, number>>;
  /**
   * Hourly metrics the feature counts with StatsCounters (e.g. `connections.errors`),
   * served as time series by GET /admin/stats/series.
   */
  seriesMetrics?: string[];
}

/** Counts a feature adds to an admin's view of one user (e.g. connections, repositories). */
export interface UserFigureContribution {
  name: string;
  countForUser: (userId: string) => Promise<number>;
}

/**
 * Where features register what the admin console and the detailed health show about
 * them, in their own onModuleInit, so neither health nor admin knows the features.
 */
@Injectable()
export class Contributions {
  private readonly checks = new Map<string, DependencyCheck>();
  private readonly stats = new Map<string, StatsContribution>();
  private readonly userFigures = new Map<string, UserFigureContribution>();

  addDependencyCheck(check: DependencyCheck): void {
    this.checks.set(check.name, check);
  }

  addStats(contribution: StatsContribution): void {
    this.stats.set(contribution.name, contribution);
  }

  addUserFigure(contribution: UserFigureContribution): void {
    this.userFigures.set(contribution.name, contribution);
  }

  dependencyChecks(): DependencyCheck[] {
    return [...this.checks.values()];
  }

  statsContributions(): StatsContribution[] {
    return [...this.stats.values()];
  }

  userFigureContributions(): UserFigureContribution[] {
    return [...this.userFigures.values()];
  }
}
