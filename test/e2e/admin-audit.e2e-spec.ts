import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service.js';
import { AuditAction } from '../../src/audit/audit-actions.js';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface AuditEntry {
  id: string;
  seq: number;
  action: string;
  actorId: string | null;
  targetId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  hash: string;
  prevHash: string;
}

describe('audit log', () => {
  let t: TestApp;
  let admin: TestUser;
  let db: DataSource;
  const entries = async (query: string) => {
    const res = await t.request(`/api/v1/admin/audit?limit=100&${query}`, { headers: admin.auth });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: AuditEntry[] }).items;
  };
  beforeAll(async () => {
    t = await startTestApp({ AUDIT_RETENTION_DAYS: '30' });
    db = t.app.get(DataSource);
    admin = await newUser(t, { roles: ['admin'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records sign-ins and failed sign-ins with client address and user agent', async () => {
    const user = await newUser(t);
    const ok = await t.request(
      '/api/v1/auth/login',
      jsonBody({ email: user.email, password: user.password }, { 'user-agent': 'audit-test/1' }),
    );
    expect(ok.status).toBe(200);
    const bad = await t.request(
      '/api/v1/auth/login',
      jsonBody({ email: user.email, password: 'wrong password 123' }),
    );
    expect(bad.status).toBe(401);
    const signIns = await entries(`targetId=${user.id}`);
    expect(signIns.map((e) => e.action)).toEqual([AuditAction.SignInFailed, AuditAction.SignIn]);
    expect(signIns[1]).toMatchObject({
      actorId: user.id,
      ip: '127.0.0.1',
      userAgent: 'audit-test/1',
    });
    expect(JSON.stringify(signIns)).not.toContain('wrong password');
  });

  it('records a lockout once the failures lock the account out', async () => {
    const user = await newUser(t);
    for (let i = 0; i < 6; i++) {
      await t.request(
        '/api/v1/auth/login',
        jsonBody({ email: user.email, password: `nope-${i}-x` }),
      );
    }
    const lockouts = await entries(`action=${AuditAction.Lockout}&targetId=${user.id}`);
    expect(lockouts.length).toBeGreaterThanOrEqual(1);
  });

  it('records password changes, refresh-token replay and account deletion, never the secrets', async () => {
    const user = await newUser(t);
    const changed = await t.request(
      '/api/v1/auth/me/password',
      jsonBody(
        { currentPassword: user.password, newPassword: 'a much longer new passphrase 77' },
        user.auth,
      ),
    );
    expect(changed.status).toBe(200);
    const pair = (await changed.json()) as { accessToken: string; refreshToken: string };
    const first = await t.request(
      '/api/v1/auth/refresh',
      jsonBody({ refreshToken: pair.refreshToken }),
    );
    expect(first.status).toBe(200);
    const replay = await t.request(
      '/api/v1/auth/refresh',
      jsonBody({ refreshToken: pair.refreshToken }),
    );
    expect(replay.status).toBe(401);
    // the replay ended that session: sign in again to delete the account
    const login = await t.request(
      '/api/v1/auth/login',
      jsonBody({ email: user.email, password: 'a much longer new passphrase 77' }),
    );
    const fresh = (await login.json()) as { accessToken: string };
    const deleted = await t.request(
      '/api/v1/auth/me/delete',
      jsonBody(
        { password: 'a much longer new passphrase 77' },
        { authorization: `Bearer ${fresh.accessToken}` },
      ),
    );
    expect(deleted.status).toBe(204);
    const mine = await entries(`actorId=${user.id}`);
    expect(mine.map((e) => e.action)).toEqual(
      expect.arrayContaining([AuditAction.PasswordChanged, AuditAction.AccountDeleted]),
    );
    const replays = await entries(`action=${AuditAction.RefreshTokenReplayed}`);
    expect(replays.some((e) => e.after?.userId === user.id)).toBe(true);
    const all = JSON.stringify(await entries(''));
    expect(all).not.toContain(pair.refreshToken);
    expect(all).not.toContain('a much longer new passphrase');
  });

  it('records organization membership changes', async () => {
    const owner = await newUser(t);
    const member = await newUser(t);
    const org = (await (
      await t.request('/api/v1/organizations', jsonBody({ name: 'Audited' }, owner.auth))
    ).json()) as { id: string };
    const added = await t.request(
      `/api/v1/organizations/${org.id}/members`,
      jsonBody({ email: member.email, role: 'member' }, owner.auth),
    );
    expect(added.status).toBe(201);
    const removed = await t.request(`/api/v1/organizations/${org.id}/members/${member.id}`, {
      method: 'DELETE',
      headers: owner.auth,
    });
    expect(removed.status).toBe(204);
    const log = await entries(`targetType=organization&targetId=${org.id}`);
    expect(log.map((e) => e.action)).toEqual([
      AuditAction.OrganizationMemberRemoved,
      AuditAction.OrganizationMemberAdded,
    ]);
    expect(log[1]).toMatchObject({
      actorId: owner.id,
      after: { userId: member.id, role: 'member' },
    });
  });

  it('links every entry to the one before it, also under concurrent writers', async () => {
    const audit = t.app.get(AuditService);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        audit.recordNow({ action: AuditAction.UserSignedOut, actorId: null, after: { i } }),
      ),
    );
    const res = await t.request('/api/v1/admin/audit/verify', { headers: admin.auth });
    expect(res.status).toBe(200);
    const verification = (await res.json()) as { valid: boolean; checked: number };
    expect(verification.valid).toBe(true);
    const [{ n }] = await db.query<
      {
        n: number;
      }[]
    >('SELECT count(*)::int AS n FROM audit_entries');
    expect(verification.checked).toBe(n);
    const rows = await db.query<
      {
        hash: string;
        prev_hash: string;
      }[]
    >('SELECT hash, prev_hash FROM audit_entries ORDER BY seq');
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
  });

  it('filters by time range and refuses unknown filters', async () => {
    const future = await entries('from=2999-01-01T00:00:00Z');
    expect(future).toEqual([]);
    for (const query of [
      'action=made.up',
      'colour=red',
      'from=soon',
      'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    ]) {
      const res = await t.request(`/api/v1/admin/audit?${query}`, { headers: admin.auth });
      expect(res.status).toBe(400);
    }
  });

  it('exports matching entries as streamed NDJSON', async () => {
    const res = await t.request(`/api/v1/admin/audit/export?action=${AuditAction.SignIn}`, {
      headers: admin.auth,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEntry);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.every((e) => e.action === (AuditAction.SignIn as string))).toBe(true);
    expect(lines.map((e) => e.seq)).toEqual([...lines.map((e) => e.seq)].sort((a, b) => a - b));
  });

  it('detects an edited entry and names the first broken one', async () => {
    const [victim] = await db.query<{ id: string }[]>(
      'SELECT id FROM audit_entries ORDER BY seq LIMIT 1 OFFSET 2',
    );
    // the table refuses updates: only someone bypassing triggers can edit it
    await expect(
      db.query(`UPDATE audit_entries SET action = 'auth.sign-in' WHERE id = $1`, [victim.id]),
    ).rejects.toThrow(/append-only/);
    await db.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`UPDATE audit_entries SET after = '{"forged":true}' WHERE id = $1`, [
        victim.id,
      ]);
    });
    const res = await t.request('/api/v1/admin/audit/verify', { headers: admin.auth });
    const verification = (await res.json()) as {
      valid: boolean;
      checked: number;
      firstBrokenId: string;
    };
    expect(verification).toEqual({ valid: false, checked: 3, firstBrokenId: victim.id });
  });

  it('removes entries past retention and still verifies from the checkpoint', async () => {
    const audit = t.app.get(AuditService);
    // 31 days from now, every entry so far is past AUDIT_RETENTION_DAYS=30
    const removed = await audit.applyRetention(new Date(Date.now() + 31 * 86_400_000));
    expect(removed).toBeGreaterThan(3);
    await audit.recordNow({ action: AuditAction.UserSignedOut, actorId: null });
    const res = await t.request('/api/v1/admin/audit/verify', { headers: admin.auth });
    // the verify request itself and this entry remain
    expect(await res.json()).toEqual({ valid: true, checked: 1, firstBrokenId: null });
  });
});
