import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface Problem {
  code: string;
  status: number;
}
interface AdminUser {
  id: string;
  email: string | null;
  roles: string[];
  status: string;
  source: string;
}
interface UserPage {
  items: AdminUser[];
  nextCursor: string | null;
  total: number;
}
interface AuditEntry {
  id: string;
  action: string;
  actorId: string | null;
  targetId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
  userAgent: string | null;
}

const NIL = '6f9619ff-8b86-4011-b42d-00cf4fc964ff';

async function auditOf(t: TestApp, admin: TestUser, query: string): Promise<AuditEntry[]> {
  const res = await t.request(`/api/v1/admin/audit?limit=100&${query}`, { headers: admin.auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: AuditEntry[] }).items;
}

describe('admin users API', () => {
  let t: TestApp;
  let admin: TestUser;
  let user: TestUser;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    admin = await newUser(t, { roles: ['admin'], email: 'root-admin@example.com' });
    user = await newUser(t, { email: 'plain.user@example.com' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses every admin operation of the contract to a user without the admin role', async () => {
    const document = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../openapi.json'), 'utf8'),
    ) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(document.paths)
      .filter(([p]) => /^\/api\/v1\/admin\/|^\/health\/(detailed|services|metrics)/.test(p))
      .flatMap(([p, item]) =>
        Object.keys(item)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => ({ method: m.toUpperCase(), path: p })),
      );
    expect(operations.length).toBeGreaterThan(25);
    for (const op of operations) {
      const url = op.path
        .replace('{queue}', 'mail')
        .replace('{name}', 'database')
        .replace('{role}', 'premium')
        .replace(/\{[^}]+\}/g, NIL);
      const init: RequestInit =
        op.method === 'GET' || op.method === 'DELETE'
          ? { method: op.method, headers: user.auth }
          : jsonBody({}, user.auth, op.method);
      const res = await t.request(url, init);
      expect({ op: `${op.method} ${op.path}`, status: res.status }).toEqual({
        op: `${op.method} ${op.path}`,
        status: 403,
      });
    }
  });

  it('searches by email or name, case-insensitively, with % and _ as plain characters', async () => {
    await newUser(t, { email: 'grace_hopper@example.com' });
    await newUser(t, { email: 'gracexhopper@example.com' });
    await db.query(`UPDATE users SET display_name = 'Ada 100% Lovelace' WHERE email = $1`, [
      user.email,
    ]);
    const search = async (q: string) => {
      const res = await t.request(`/api/v1/admin/users?q=${encodeURIComponent(q)}`, {
        headers: admin.auth,
      });
      expect(res.status).toBe(200);
      return (await res.json()) as UserPage;
    };
    const underscore = await search('GRACE_');
    expect(underscore.items.map((u) => u.email)).toEqual(['grace_hopper@example.com']);
    expect(underscore.total).toBe(1);
    expect((await search('hopper')).total).toBe(2);
    expect((await search('100%')).items.map((u) => u.id)).toEqual([user.id]);
    expect((await search('lovel')).items.map((u) => u.id)).toEqual([user.id]);
    expect((await search('%')).items.map((u) => u.id)).toEqual([user.id]);
  });

  it('filters by role, status and source, sorts, and pages with a total', async () => {
    const byRole = (await (
      await t.request('/api/v1/admin/users?role=admin', { headers: admin.auth })
    ).json()) as UserPage;
    expect(byRole.items.map((u) => u.id)).toEqual([admin.id]);
    const unverified = await newUser(t, { verified: false });
    const page = (await (
      await t.request('/api/v1/admin/users?status=unverified&source=local', { headers: admin.auth })
    ).json()) as UserPage;
    expect(page.items.map((u) => u.id)).toEqual([unverified.id]);
    const keycloak = (await (
      await t.request('/api/v1/admin/users?source=keycloak', { headers: admin.auth })
    ).json()) as UserPage;
    expect(keycloak.total).toBe(0);

    const [{ n }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM users');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.request(
        `/api/v1/admin/users?sort=email&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: admin.auth },
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as UserPage;
      expect(body.total).toBe(n);
      seen.push(...body.items.map((u) => u.email ?? ''));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(n);
    expect(seen).toEqual([...seen].sort());
    // a cursor belongs to its sort
    const first = (await (
      await t.request('/api/v1/admin/users?sort=email&limit=1', { headers: admin.auth })
    ).json()) as UserPage;
    const mixed = await t.request(`/api/v1/admin/users?sort=-email&cursor=${first.nextCursor}`, {
      headers: admin.auth,
    });
    expect(mixed.status).toBe(400);
  });

  it('counts totals exactly up to 1000, then says so', async () => {
    await db.query(
      `INSERT INTO users (id, issuer, subject, email)
       SELECT g.id, 'meridian:local', g.id::text, 'bulk-' || i || '@example.com'
         FROM (SELECT gen_random_uuid() AS id, i FROM generate_series(1, 1001) i) g`,
    );
    const many = (await (
      await t.request('/api/v1/admin/users?q=bulk-&limit=5', { headers: admin.auth })
    ).json()) as UserPage & { totalIsExact: boolean };
    expect(many).toMatchObject({ total: 1000, totalIsExact: false });
    expect(many.items).toHaveLength(5);
    const few = (await (
      await t.request('/api/v1/admin/users?q=bulk-1000', { headers: admin.auth })
    ).json()) as UserPage & { totalIsExact: boolean };
    expect(few).toMatchObject({ total: 1, totalIsExact: true });
    // a rare term is paged from its matches: bulk-10, bulk-100..109, bulk-1000, bulk-1001
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await t.request(
          `/api/v1/admin/users?q=BULK-10&sort=-email&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
          {
            headers: admin.auth,
          },
        )
      ).json()) as UserPage & { totalIsExact: boolean };
      expect(page).toMatchObject({ total: 13, totalIsExact: true });
      seen.push(...page.items.map((u) => u.email ?? ''));
      cursor = page.nextCursor;
    } while (cursor);
    const expected = ['10', ...Array.from({ length: 10 }, (_, i) => `10${i}`), '1000', '1001']
      .map((n) => `bulk-${n}@example.com`)
      .sort()
      .reverse();
    expect(seen).toEqual(expected);
    await db.query(`DELETE FROM users WHERE email LIKE 'bulk-%'`);
  });

  it('answers bad filters with problem details and a code', async () => {
    for (const [query, code] of [
      ['sort=password', 'VALIDATION_FAILED'],
      ['status=gone', 'VALIDATION_FAILED'],
      ['unknown=1', 'VALIDATION_FAILED'],
      ['limit=101', 'VALIDATION_FAILED'],
      ['createdFrom=yesterday', 'VALIDATION_FAILED'],
      ['createdFrom=2026-02-01T00:00:00Z&createdTo=2026-01-01T00:00:00Z', 'ADMIN_INVALID_RANGE'],
    ] as const) {
      const res = await t.request(`/api/v1/admin/users?${query}`, { headers: admin.auth });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as Problem).code).toBe(code);
    }
    const unknown = await t.request(`/api/v1/admin/users/${NIL}/disable`, {
      method: 'POST',
      headers: admin.auth,
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Problem).code).toBe('ADMIN_USER_NOT_FOUND');
  });

  it('shows one user in full', async () => {
    const res = await t.request(`/api/v1/admin/users/${user.id}`, { headers: admin.auth });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as AdminUser & {
      sessions: { active: number; lastLoginAddress: string | null };
      organizations: unknown[];
      usage30d: { messages: number };
    };
    expect(detail).toMatchObject({
      id: user.id,
      email: user.email,
      status: 'active',
      source: 'local',
      organizations: [],
      usage30d: { messages: 0 },
    });
    expect(detail.sessions).toMatchObject({ active: 1, lastLoginAddress: '127.0.0.1' });
  });

  it('disabling cuts off a live access token at once; enabling restores the account', async () => {
    const victim = await newUser(t);
    expect((await t.request('/api/v1/auth/me', { headers: victim.auth })).status).toBe(200);
    const res = await t.request(`/api/v1/admin/users/${victim.id}/disable`, {
      method: 'POST',
      headers: admin.auth,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AdminUser).status).toBe('disabled');
    const refused = await t.request('/api/v1/auth/me', { headers: victim.auth });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as Problem).code).toBe('ACCOUNT_DISABLED');
    const refresh = await t.request(
      '/api/v1/auth/refresh',
      jsonBody({ refreshToken: victim.refreshToken }),
    );
    expect(refresh.status).toBe(401);

    const [entry] = await auditOf(t, admin, `action=admin.user-disabled&targetId=${victim.id}`);
    expect(entry).toMatchObject({
      actorId: admin.id,
      before: { status: 'active' },
      after: { status: 'disabled' },
    });
    expect(entry.requestId).toEqual(expect.any(String));

    const enabled = await t.request(`/api/v1/admin/users/${victim.id}/enable`, {
      method: 'POST',
      headers: admin.auth,
    });
    expect(((await enabled.json()) as AdminUser).status).toBe('active');
    const login = await t.request(
      '/api/v1/auth/login',
      jsonBody({ email: victim.email, password: victim.password }),
    );
    expect(login.status).toBe(200);
  });

  it('grants and revokes roles, refusing unknown ones', async () => {
    const member = await newUser(t);
    const granted = await t.request(
      `/api/v1/admin/users/${member.id}/roles`,
      jsonBody({ role: 'premium' }, admin.auth),
    );
    expect(granted.status).toBe(200);
    expect(((await granted.json()) as AdminUser).roles).toEqual(['premium']);
    const me = (await (await t.request('/api/v1/auth/me', { headers: member.auth })).json()) as {
      roles: string[];
    };
    expect(me.roles).toContain('premium');
    const unknownRole = await t.request(
      `/api/v1/admin/users/${member.id}/roles`,
      jsonBody({ role: 'superuser' }, admin.auth),
    );
    expect(unknownRole.status).toBe(400);
    expect(((await unknownRole.json()) as Problem).code).toBe('ADMIN_UNKNOWN_ROLE');
    const revoked = await t.request(`/api/v1/admin/users/${member.id}/roles/premium`, {
      method: 'DELETE',
      headers: admin.auth,
    });
    expect(((await revoked.json()) as AdminUser).roles).toEqual([]);
    const entries = await auditOf(t, admin, `targetId=${member.id}`);
    expect(entries.map((e) => e.action)).toEqual([
      'admin.user-role-revoked',
      'admin.user-role-granted',
    ]);
  });

  it('refuses to disable, demote or delete oneself, and records nothing then', async () => {
    const before = await auditOf(t, admin, `targetId=${admin.id}`);
    for (const [method, url] of [
      ['POST', `/api/v1/admin/users/${admin.id}/disable`],
      ['DELETE', `/api/v1/admin/users/${admin.id}/roles/admin`],
      ['DELETE', `/api/v1/admin/users/${admin.id}`],
    ] as const) {
      const res = await t.request(url, { method, headers: admin.auth });
      expect(res.status).toBe(409);
      expect(((await res.json()) as Problem).code).toBe('ADMIN_SELF_ACTION');
    }
    expect(await auditOf(t, admin, `targetId=${admin.id}`)).toEqual(before);
    const [row] = await db.query<
      {
        status: string;
        roles: string[];
      }[]
    >('SELECT status, roles FROM users WHERE id = $1', [admin.id]);
    expect(row).toEqual({ status: 'active', roles: ['admin'] });
  });

  it('forces a sign-out: every session and token of the user ends', async () => {
    const target = await newUser(t);
    const res = await t.request(`/api/v1/admin/users/${target.id}/sign-out`, {
      method: 'POST',
      headers: admin.auth,
    });
    expect(res.status).toBe(204);
    const refused = await t.request('/api/v1/auth/me', { headers: target.auth });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as Problem).code).toBe('TOKEN_REVOKED');
  });

  it('sends a password-reset mail and a verification mail', async () => {
    const target = await newUser(t, { verified: false });
    const reset = await t.request(`/api/v1/admin/users/${target.id}/password-reset`, {
      method: 'POST',
      headers: admin.auth,
    });
    expect(reset.status).toBe(204);
    const verification = await t.request(`/api/v1/admin/users/${target.id}/verification`, {
      method: 'POST',
      headers: admin.auth,
    });
    expect(verification.status).toBe(204);
    const outbox = (await (
      await t.request(`/api/v1/admin/mail/outbox?recipient=${target.email}`, {
        headers: admin.auth,
      })
    ).json()) as { items: { template: string }[] };
    expect(outbox.items.map((m) => m.template).sort()).toEqual(['reset-password', 'verify-email']);
    const again = await t.request(`/api/v1/admin/users/${user.id}/verification`, {
      method: 'POST',
      headers: admin.auth,
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as Problem).code).toBe('ADMIN_ALREADY_VERIFIED');
  });

  it('deletes a user through the deletion hooks, in one transaction with its audit entry', async () => {
    const target = await newUser(t);
    const res = await t.request(`/api/v1/admin/users/${target.id}`, {
      method: 'DELETE',
      headers: admin.auth,
    });
    expect(res.status).toBe(204);
    expect(
      (await t.request(`/api/v1/admin/users/${target.id}`, { headers: admin.auth })).status,
    ).toBe(404);
    const [entry] = await auditOf(t, admin, `action=admin.user-deleted&targetId=${target.id}`);
    expect(entry).toMatchObject({ actorId: admin.id, before: { email: target.email } });
  });
});

describe('admin users API: the last active administrator', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps one active admin when two admins disable each other at the same moment', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await newUser(t, { roles: ['admin'] });
      const b = await newUser(t, { roles: ['admin'] });
      await t.app
        .get(DataSource)
        .query(`UPDATE users SET status = 'disabled' WHERE id NOT IN ($1, $2)`, [a.id, b.id]);
      const [ra, rb] = await Promise.all([
        t.request(`/api/v1/admin/users/${b.id}/disable`, { method: 'POST', headers: a.auth }),
        t.request(`/api/v1/admin/users/${a.id}/disable`, { method: 'POST', headers: b.auth }),
      ]);
      const statuses = [ra.status, rb.status].sort();
      expect(statuses[0]).toBe(200);
      expect([401, 409]).toContain(statuses[1]);
      const loser = ra.status === 200 ? rb : ra;
      if (loser.status === 409)
        expect(((await loser.json()) as Problem).code).toBe('ADMIN_LAST_ADMIN');
      const [{ n }] = await t.app
        .get(DataSource)
        .query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM users WHERE 'admin' = ANY(roles) AND status = 'active'`,
        );
      expect(n).toBe(1);
      await t.app.get(DataSource).query(`UPDATE users SET status = 'disabled'`);
    }
  });
});
