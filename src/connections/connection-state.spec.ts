import { describe, expect, it } from '@jest/globals';
import { afterCheck, manualTargets } from './connection-state.js';
import { ConnectionStatus as S, type HealthResult } from './entities/service-connection.entity.js';

const result = (outcome: HealthResult['outcome']): HealthResult => ({
  outcome,
  code: outcome === 'pass' ? null : 'X',
  latencyMs: 1,
  detail: '',
  rateLimit: null,
  checkedAt: new Date().toISOString(),
});

describe('the connection state machine', () => {
  it('goes active -> degraded -> error after the threshold, and back to active on a pass', () => {
    let state = { status: S.Active, failures: 0 };
    const seen: S[] = [];
    for (let i = 0; i < 3; i++) {
      const next = afterCheck(state.status, state.failures, result('fail'), 3);
      state = { status: next.status, failures: next.consecutiveFailures };
      seen.push(state.status);
    }
    expect(seen).toEqual([S.Degraded, S.Degraded, S.Error]);
    expect(afterCheck(S.Error, 3, result('pass'), 3)).toMatchObject({
      status: S.Active,
      consecutiveFailures: 0,
    });
  });

  it('sends a pending connection to active or error on its first check', () => {
    expect(afterCheck(S.Pending, 0, result('pass'), 3).status).toBe(S.Active);
    expect(afterCheck(S.Pending, 0, result('fail'), 3).status).toBe(S.Error);
  });

  it('revokes on a refusal but never on a failure', () => {
    expect(afterCheck(S.Degraded, 1, result('refused'), 3).status).toBe(S.Revoked);
    expect(afterCheck(S.Error, 9, result('fail'), 3).status).toBe(S.Error);
  });

  it('leaves disabled and revoked connections as they are', () => {
    expect(afterCheck(S.Disabled, 0, result('pass'), 3).status).toBe(S.Disabled);
    expect(afterCheck(S.Revoked, 0, result('pass'), 3).status).toBe(S.Revoked);
  });

  it('allows by hand only disabling, and re-enabling a disabled connection', () => {
    expect(manualTargets(S.Active)).toEqual([S.Disabled]);
    expect(manualTargets(S.Revoked)).toEqual([S.Disabled]);
    expect(manualTargets(S.Disabled)).toEqual([S.Active]);
  });
});
