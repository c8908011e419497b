import { ConnectionStatus, type HealthResult } from './entities/service-connection.entity.js';

/** Statuses a caller may set by hand, and from where (PATCH /connections/{id}/status). */
export function manualTargets(from: ConnectionStatus): ConnectionStatus[] {
  if (from === ConnectionStatus.Disabled) return [ConnectionStatus.Active];
  return [ConnectionStatus.Disabled];
}

/** Statuses the health checks watch (the sweep checks these). */
export const CHECKED_STATUSES: readonly ConnectionStatus[] = [
  ConnectionStatus.Pending,
  ConnectionStatus.Active,
  ConnectionStatus.Degraded,
  ConnectionStatus.Error,
];

export interface CheckTransition {
  status: ConnectionStatus;
  consecutiveFailures: number;
  reason: string | null;
}

/**
 * What a check result does to a connection: a pass makes pending, degraded and error
 * active; a failure makes active degraded, then error after `threshold` consecutive
 * failures (pending goes straight to error); a refusal (401/403/404) revokes. Disabled and
 * revoked connections keep their status (only the result is recorded).
 */
export function afterCheck(
  status: ConnectionStatus,
  consecutiveFailures: number,
  result: HealthResult,
  threshold: number,
): CheckTransition {
  if (status === ConnectionStatus.Disabled || status === ConnectionStatus.Revoked) {
    return {
      status,
      consecutiveFailures: result.outcome === 'pass' ? 0 : consecutiveFailures + 1,
      reason: null,
    };
  }
  if (result.outcome === 'pass') {
    return {
      status: ConnectionStatus.Active,
      consecutiveFailures: 0,
      reason: 'health check passed',
    };
  }
  if (result.outcome === 'refused') {
    return {
      status: ConnectionStatus.Revoked,
      consecutiveFailures: consecutiveFailures + 1,
      reason: `the service refused the credential (${result.code ?? 'refused'})`,
    };
  }
  const failures = consecutiveFailures + 1;
  const why = `health check failed (${result.code ?? 'failed'})`;
  if (status === ConnectionStatus.Pending) {
    return { status: ConnectionStatus.Error, consecutiveFailures: failures, reason: why };
  }
  if (failures >= threshold) {
    return {
      status: ConnectionStatus.Error,
      consecutiveFailures: failures,
      reason: `${why}; ${failures} consecutive failures`,
    };
  }
  return { status: ConnectionStatus.Degraded, consecutiveFailures: failures, reason: why };
}
