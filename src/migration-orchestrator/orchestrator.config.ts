import path from 'node:path';
import { ConfigError } from '../config/environment.js';

/** Settings of the migration orchestrator (its slice of the configuration). */
export interface OrchestratorConfig {
  /** Folder with one sub-folder of SQL files per database type (admin/, shared/, analytics/, tenant/). */
  sourceDir: string;
  /** Targets migrated at once within a wave when an execution does not say (1-64). */
  batchSize: number;
  /** How long a target waits for its advisory lock before it is reported `locked`. */
  lockTimeoutMs: number;
  /** Statement timeout on target databases, in seconds. */
  statementTimeoutSeconds: number;
  /** Further attempts after a connection failure (SQL errors are never retried). */
  retryAttempts: number;
  /** First delay between connection attempts; doubles each time. */
  retryBackoffMs: number;
  /** Connect timeout to a target database. */
  connectTimeoutMs: number;
  /** Orchestrator jobs one worker process runs at once. */
  workerConcurrency: number;
  /** How often the progress stream looks for changes. */
  eventsPollMs: number;
}

interface IntRule {
  name: string;
  fallback: number;
  min: number;
  max: number;
}

const INT_RULES = {
  batchSize: { name: 'MIGRATION_BATCH_SIZE', fallback: 10, min: 1, max: 64 },
  lockTimeoutMs: { name: 'MIGRATION_LOCK_TIMEOUT_MS', fallback: 30_000, min: 0, max: 3_600_000 },
  statementTimeoutSeconds: { name: 'MIGRATION_TIMEOUT', fallback: 300, min: 1, max: 86_400 },
  retryAttempts: { name: 'MIGRATION_RETRY_ATTEMPTS', fallback: 3, min: 0, max: 20 },
  retryBackoffMs: { name: 'MIGRATION_RETRY_BACKOFF_MS', fallback: 1_000, min: 0, max: 600_000 },
  connectTimeoutMs: {
    name: 'MIGRATION_CONNECT_TIMEOUT_MS',
    fallback: 10_000,
    min: 100,
    max: 600_000,
  },
  workerConcurrency: { name: 'MIGRATION_WORKER_CONCURRENCY', fallback: 32, min: 1, max: 256 },
  eventsPollMs: { name: 'MIGRATION_EVENTS_POLL_MS', fallback: 500, min: 50, max: 60_000 },
} satisfies Record<string, IntRule>;

/** Reads and validates the orchestrator's variables from the environment it is given. */
export function loadOrchestratorConfig(env: NodeJS.ProcessEnv): OrchestratorConfig {
  const problems: string[] = [];
  const int = (rule: IntRule): number => {
    const raw = env[rule.name]?.trim();
    if (raw === undefined || raw === '') return rule.fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < rule.min || Number(raw) > rule.max) {
      problems.push(
        `${rule.name}: must be an integer from ${rule.min} to ${rule.max} (got ${JSON.stringify(raw)})`,
      );
      return rule.fallback;
    }
    return Number(raw);
  };
  const ints = Object.fromEntries(
    Object.entries(INT_RULES).map(([key, rule]) => [key, int(rule)]),
  ) as Record<keyof typeof INT_RULES, number>;
  const dir = env.MIGRATIONS_SOURCE_DIR?.trim();
  if (problems.length > 0) throw new ConfigError(problems);
  return { sourceDir: path.resolve(dir || 'migrations'), ...ints };
}
