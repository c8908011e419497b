import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UserDeletionHooks } from '../../src/users/user-deletion-hooks.js';
import { UsersService } from '../../src/users/users.service.js';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface Organization {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  updatedAt: string;
}

interface Member {
  userId: string;
  email: string | null;
  displayName: string | null;
  role: string;
  joinedAt: string;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; rule: string; message: string }[];
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('organizations', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const path = (suffix = '') => `/api/v1/organizations${suffix}`;
  const call = (user: TestUser, method: string, suffix = '', body?: unknown) =>
    t.request(
      path(suffix),
      body === undefined ? { method, headers: user.auth } : jsonBody(body, user.auth, method),
    );

  async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
    const body = (await res.json()) as Problem;
    expect({ status: res.status, code: body.code }).toEqual({ status, code });
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    return body;
  }

  async function createOrg(owner: TestUser, name = 'Acme'): Promise<Organization> {
    const res = await call(owner, 'POST', '', { name });
    expect(res.status).toBe(201);
    return (await res.json()) as Organization;
  }

  async function addMember(
    by: TestUser,
    orgId: string,
    user: TestUser,
    role: 'owner' | 'admin' | 'member',
  ): Promise<Member> {
    const res = await call(by, 'POST', `/${orgId}/members`, { email: user.email, role });
    expect(res.status).toBe(201);
    return (await res.json()) as Member;
  }

  async function roles(viewer: TestUser, orgId: string): Promise<Record<string, string>> {
    const res = await call(viewer, 'GET', `/${orgId}/members?limit=100`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page<Member>;
    return Object.fromEntries(page.items.map((m) => [m.userId, m.role]));
  }

  async function organizationExists(orgId: string): Promise<boolean> {
    const rows: unknown[] = await t.app
      .get(DataSource)
      .query('SELECT 1 FROM organizations WHERE id = $1', [orgId]);
    return rows.length > 0;
  }

  /** An organization owned by `owner` with an admin and a member. */
  async function team() {
    const owner = await newUser(t);
    const admin = await newUser(t);
    const member = await newUser(t);
    const org = await createOrg(owner);
    await addMember(owner, org.id, admin, 'admin');
    await addMember(owner, org.id, member, 'member');
    return { owner, admin, member, org };
  }

  describe('create, read, list', () => {
    it('creates an organization with the trimmed name and the creator as owner', async () => {
      const owner = await newUser(t);
      const res = await call(owner, 'POST', '', { name: '  Acme Robotics  ' });
      expect(res.status).toBe(201);
      const org = (await res.json()) as Organization;
      expect(org).toEqual({
        id: expect.stringMatching(UUID),
        name: 'Acme Robotics',
        role: 'owner',
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });

      const read = await call(owner, 'GET', `/${org.id}`);
      expect(read.status).toBe(200);
      expect(await read.json()).toEqual(org);

      const members = await call(owner, 'GET', `/${org.id}/members`);
      expect(await members.json()).toEqual({
        items: [
          {
            userId: owner.id,
            email: owner.email,
            displayName: 'Test User',
            role: 'owner',
            joinedAt: expect.stringMatching(ISO),
          },
        ],
        nextCursor: null,
      });
    });

    it('accepts a 100-character name and rejects empty, blank, long, non-string and extra input', async () => {
      const owner = await newUser(t);
      expect((await call(owner, 'POST', '', { name: 'x'.repeat(100) })).status).toBe(201);
      for (const body of [
        {},
        { name: '' },
        { name: '   ' },
        { name: 'x'.repeat(101) },
        { name: 42 },
        { name: 'Acme', plan: 'gold' },
      ]) {
        const problem = await expectProblem(
          await call(owner, 'POST', '', body),
          400,
          'VALIDATION_FAILED',
        );
        expect(problem.errors?.length).toBeGreaterThan(0);
      }
    });

    it('needs a bearer token', async () => {
      await expectProblem(await t.request(path()), 401, 'AUTH_REQUIRED');
      await expectProblem(
        await t.request(path(), jsonBody({ name: 'Acme' })),
        401,
        'AUTH_REQUIRED',
      );
    });

    it('lists only my organizations, newest first, each with my role, in pages', async () => {
      const me = await newUser(t);
      const other = await newUser(t);
      const mine: Organization[] = [];
      for (const name of ['First', 'Second', 'Third']) {
        mine.push(await createOrg(me, name));
        await sleep(5);
      }
      const joined = await createOrg(other, 'Theirs, joined');
      await addMember(other, joined.id, me, 'member');
      await createOrg(other, 'Theirs, not joined');

      const first = await call(me, 'GET', '?limit=3');
      expect(first.status).toBe(200);
      const page1 = (await first.json()) as Page<Organization>;
      expect(page1.items.map((o) => [o.name, o.role])).toEqual([
        ['Theirs, joined', 'member'],
        ['Third', 'owner'],
        ['Second', 'owner'],
      ]);
      expect(page1.nextCursor).toEqual(expect.any(String));

      const second = await call(me, 'GET', `?limit=3&cursor=${page1.nextCursor}`);
      const page2 = (await second.json()) as Page<Organization>;
      expect(page2).toEqual({ items: [mine[0]], nextCursor: null });

      const all = (await (await call(me, 'GET')).json()) as Page<Organization>;
      expect(all.items).toHaveLength(4);
      expect(all.nextCursor).toBeNull();
    });

    it('rejects a bad cursor or limit', async () => {
      const me = await newUser(t);
      const forged = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
      for (const query of [`?cursor=${forged}`, '?cursor=abc', '?limit=0', '?limit=101']) {
        await expectProblem(await call(me, 'GET', query), 400, 'VALIDATION_FAILED');
      }
    });
  });

  describe('rename and delete', () => {
    it('lets owners and admins rename, not members', async () => {
      const { owner, admin, member, org } = await team();
      const byOwner = await call(owner, 'PATCH', `/${org.id}`, { name: ' Renamed ' });
      expect(byOwner.status).toBe(200);
      const renamed = (await byOwner.json()) as Organization;
      expect(renamed).toMatchObject({ id: org.id, name: 'Renamed', role: 'owner' });
      expect(Date.parse(renamed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(org.updatedAt));

      const byAdmin = await call(admin, 'PATCH', `/${org.id}`, { name: 'By admin' });
      expect(byAdmin.status).toBe(200);
      expect(await byAdmin.json()).toMatchObject({ name: 'By admin', role: 'admin' });

      await expectProblem(
        await call(member, 'PATCH', `/${org.id}`, { name: 'By member' }),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      expect(await (await call(member, 'GET', `/${org.id}`)).json()).toMatchObject({
        name: 'By admin',
        role: 'member',
      });
    });

    it('validates the new name', async () => {
      const owner = await newUser(t);
      const org = await createOrg(owner);
      for (const body of [{}, { name: ' ' }, { name: 'y'.repeat(101) }, { name: 'ok', id: 'x' }]) {
        await expectProblem(
          await call(owner, 'PATCH', `/${org.id}`, body),
          400,
          'VALIDATION_FAILED',
        );
      }
    });

    it('lets only owners delete; the organization and its memberships are gone', async () => {
      const { owner, admin, member, org } = await team();
      for (const user of [admin, member]) {
        await expectProblem(
          await call(user, 'DELETE', `/${org.id}`),
          403,
          'ORGANIZATION_ROLE_REQUIRED',
        );
      }
      const res = await call(owner, 'DELETE', `/${org.id}`);
      expect(res.status).toBe(204);
      for (const user of [owner, admin, member]) {
        await expectProblem(await call(user, 'GET', `/${org.id}`), 404, 'ORGANIZATION_NOT_FOUND');
        const list = (await (await call(user, 'GET')).json()) as Page<Organization>;
        expect(list.items.map((o) => o.id)).not.toContain(org.id);
      }
      expect(await organizationExists(org.id)).toBe(false);
    });
  });

  describe('visibility', () => {
    it('answers 404 ORGANIZATION_NOT_FOUND to non-members on every route, as for unknown ids', async () => {
      const { owner, admin, member, org } = await team();
      const outsider = await newUser(t);
      for (const orgId of [org.id, randomUUID()]) {
        const routes: [string, string, unknown?][] = [
          ['GET', `/${orgId}`],
          ['PATCH', `/${orgId}`, { name: 'Mine now' }],
          ['DELETE', `/${orgId}`],
          ['POST', `/${orgId}/leave`],
          ['GET', `/${orgId}/members`],
          ['POST', `/${orgId}/members`, { email: outsider.email, role: 'owner' }],
          ['POST', `/${orgId}/members`, { email: 'nobody@example.com', role: 'member' }],
          ['PATCH', `/${orgId}/members/${member.id}`, { role: 'owner' }],
          ['DELETE', `/${orgId}/members/${member.id}`],
        ];
        for (const [method, suffix, body] of routes) {
          await expectProblem(
            await call(outsider, method, suffix, body),
            404,
            'ORGANIZATION_NOT_FOUND',
          );
        }
      }
      expect(await roles(owner, org.id)).toEqual({
        [owner.id]: 'owner',
        [admin.id]: 'admin',
        [member.id]: 'member',
      });
      expect(await (await call(owner, 'GET', `/${org.id}`)).json()).toMatchObject({
        name: 'Acme',
      });
    });

    it('answers 400 for ids that are not UUIDs', async () => {
      const owner = await newUser(t);
      const org = await createOrg(owner);
      const problem = await expectProblem(
        await call(owner, 'GET', '/not-a-uuid'),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors?.[0]?.field).toBe('orgId');
      const member = await expectProblem(
        await call(owner, 'PATCH', `/${org.id}/members/42`, { role: 'admin' }),
        400,
        'VALIDATION_FAILED',
      );
      expect(member.errors?.[0]?.field).toBe('userId');
    });
  });

  describe('members', () => {
    it('adds an existing user by email (any case) with the given role', async () => {
      const owner = await newUser(t);
      const user = await newUser(t);
      const org = await createOrg(owner);
      const res = await call(owner, 'POST', `/${org.id}/members`, {
        email: `  ${user.email.toUpperCase()} `,
        role: 'admin',
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({
        userId: user.id,
        email: user.email,
        displayName: 'Test User',
        role: 'admin',
        joinedAt: expect.stringMatching(ISO),
      });
      expect(await (await call(user, 'GET', `/${org.id}`)).json()).toMatchObject({
        id: org.id,
        role: 'admin',
      });
    });

    it('adds a user provisioned from an identity provider, found by email', async () => {
      const owner = await newUser(t);
      const org = await createOrg(owner);
      const email = `sso-${randomUUID()}@example.com`;
      const id = await t.app.get(UsersService).provision({
        issuer: 'https://sso.example.com/realms/acme',
        subject: randomUUID(),
        email,
        name: 'Grace Hopper',
        emailVerified: true,
      });
      const res = await call(owner, 'POST', `/${org.id}/members`, { email, role: 'member' });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ userId: id, email, displayName: 'Grace Hopper' });
    });

    it('prefers the local account when a provisioned user shares its email', async () => {
      const owner = await newUser(t);
      const local = await newUser(t);
      const org = await createOrg(owner);
      await t.app.get(UsersService).provision({
        issuer: 'https://sso.example.com/realms/acme',
        subject: randomUUID(),
        email: local.email,
        name: 'Someone Else',
        emailVerified: true,
      });
      const member = await addMember(owner, org.id, local, 'member');
      expect(member.userId).toBe(local.id);
    });

    it('answers 404 USER_NOT_FOUND for an unknown email and 409 ALREADY_MEMBER for a member', async () => {
      const { owner, admin, org } = await team();
      await expectProblem(
        await call(owner, 'POST', `/${org.id}/members`, {
          email: `nobody-${randomUUID()}@example.com`,
          role: 'member',
        }),
        404,
        'USER_NOT_FOUND',
      );
      for (const email of [admin.email, owner.email]) {
        await expectProblem(
          await call(owner, 'POST', `/${org.id}/members`, { email, role: 'member' }),
          409,
          'ALREADY_MEMBER',
        );
      }
      expect(await roles(owner, org.id)).toMatchObject({ [admin.id]: 'admin' });
    });

    it('lets admins add members and admins, only owners add owners, members add nobody', async () => {
      const { owner, admin, member, org } = await team();
      const [a, b, c, d] = await Promise.all([newUser(t), newUser(t), newUser(t), newUser(t)]);
      await expectProblem(
        await call(member, 'POST', `/${org.id}/members`, { email: a.email, role: 'member' }),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      await expectProblem(
        await call(admin, 'POST', `/${org.id}/members`, { email: a.email, role: 'owner' }),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      await addMember(admin, org.id, a, 'member');
      await addMember(admin, org.id, b, 'admin');
      await addMember(owner, org.id, c, 'owner');
      await addMember(c, org.id, d, 'owner');
      expect(await roles(member, org.id)).toEqual({
        [owner.id]: 'owner',
        [admin.id]: 'admin',
        [member.id]: 'member',
        [a.id]: 'member',
        [b.id]: 'admin',
        [c.id]: 'owner',
        [d.id]: 'owner',
      });
    });

    it('validates email and role', async () => {
      const owner = await newUser(t);
      const user = await newUser(t);
      const org = await createOrg(owner);
      for (const body of [
        { email: user.email },
        { role: 'member' },
        { email: 'not an email', role: 'member' },
        { email: user.email, role: 'superuser' },
        { email: user.email, role: 'member', extra: true },
      ]) {
        await expectProblem(
          await call(owner, 'POST', `/${org.id}/members`, body),
          400,
          'VALIDATION_FAILED',
        );
      }
      for (const body of [{}, { role: 'boss' }]) {
        await expectProblem(
          await call(owner, 'PATCH', `/${org.id}/members/${owner.id}`, body),
          400,
          'VALIDATION_FAILED',
        );
      }
    });

    it('pages members longest-standing first', async () => {
      const owner = await newUser(t);
      const org = await createOrg(owner);
      const joined = [owner];
      for (let i = 0; i < 4; i += 1) {
        await sleep(5);
        const user = await newUser(t);
        await addMember(owner, org.id, user, i % 2 ? 'admin' : 'member');
        joined.push(user);
      }
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await call(
          owner,
          'GET',
          `/${org.id}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        const page = (await res.json()) as Page<Member>;
        expect(page.items.length).toBeLessThanOrEqual(2);
        ids.push(...page.items.map((m) => m.userId));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(ids).toEqual(joined.map((u) => u.id));
    });
  });

  describe('changing roles', () => {
    it('lets admins move members between member and admin, not members', async () => {
      const { owner, admin, member, org } = await team();
      const promoted = await call(admin, 'PATCH', `/${org.id}/members/${member.id}`, {
        role: 'admin',
      });
      expect(promoted.status).toBe(200);
      expect(await promoted.json()).toMatchObject({
        userId: member.id,
        email: member.email,
        role: 'admin',
        joinedAt: expect.stringMatching(ISO),
      });
      const demoted = await call(admin, 'PATCH', `/${org.id}/members/${member.id}`, {
        role: 'member',
      });
      expect(await demoted.json()).toMatchObject({ role: 'member' });
      await expectProblem(
        await call(member, 'PATCH', `/${org.id}/members/${admin.id}`, { role: 'member' }),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      expect(await roles(owner, org.id)).toEqual({
        [owner.id]: 'owner',
        [admin.id]: 'admin',
        [member.id]: 'member',
      });
    });

    it("lets only owners grant or take 'owner'", async () => {
      const { owner, admin, member, org } = await team();
      await expectProblem(
        await call(admin, 'PATCH', `/${org.id}/members/${member.id}`, { role: 'owner' }),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      await expectProblem(
        await call(admin, 'PATCH', `/${org.id}/members/${admin.id}`, { role: 'owner' }),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      await expectProblem(
        await call(admin, 'PATCH', `/${org.id}/members/${owner.id}`, { role: 'admin' }),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      const granted = await call(owner, 'PATCH', `/${org.id}/members/${member.id}`, {
        role: 'owner',
      });
      expect(await granted.json()).toMatchObject({ role: 'owner' });
      const taken = await call(member, 'PATCH', `/${org.id}/members/${owner.id}`, {
        role: 'member',
      });
      expect(taken.status).toBe(200);
      expect(await roles(admin, org.id)).toEqual({
        [owner.id]: 'member',
        [admin.id]: 'admin',
        [member.id]: 'owner',
      });
    });

    it('refuses to demote the last owner with 409 LAST_OWNER', async () => {
      const { owner, admin, org } = await team();
      for (const role of ['admin', 'member']) {
        await expectProblem(
          await call(owner, 'PATCH', `/${org.id}/members/${owner.id}`, { role }),
          409,
          'LAST_OWNER',
        );
      }
      await call(owner, 'PATCH', `/${org.id}/members/${admin.id}`, { role: 'owner' });
      const stepDown = await call(owner, 'PATCH', `/${org.id}/members/${owner.id}`, {
        role: 'admin',
      });
      expect(stepDown.status).toBe(200);
      await expectProblem(
        await call(admin, 'PATCH', `/${org.id}/members/${admin.id}`, { role: 'member' }),
        409,
        'LAST_OWNER',
      );
    });

    it('answers 404 MEMBER_NOT_FOUND for a user who is not a member', async () => {
      const { owner, org } = await team();
      const stranger = await newUser(t);
      for (const id of [stranger.id, randomUUID()]) {
        await expectProblem(
          await call(owner, 'PATCH', `/${org.id}/members/${id}`, { role: 'admin' }),
          404,
          'MEMBER_NOT_FOUND',
        );
        await expectProblem(
          await call(owner, 'DELETE', `/${org.id}/members/${id}`),
          404,
          'MEMBER_NOT_FOUND',
        );
      }
    });
  });

  describe('removing and leaving', () => {
    it('lets owners and admins remove members; removed members lose access', async () => {
      const { owner, admin, member, org } = await team();
      const extra = await newUser(t);
      await addMember(owner, org.id, extra, 'admin');
      expect((await call(admin, 'DELETE', `/${org.id}/members/${member.id}`)).status).toBe(204);
      expect((await call(owner, 'DELETE', `/${org.id}/members/${extra.id}`)).status).toBe(204);
      for (const user of [member, extra]) {
        await expectProblem(await call(user, 'GET', `/${org.id}`), 404, 'ORGANIZATION_NOT_FOUND');
      }
      expect(await roles(owner, org.id)).toEqual({ [owner.id]: 'owner', [admin.id]: 'admin' });
    });

    it('does not let members remove anyone, nor admins remove owners', async () => {
      const { owner, admin, member, org } = await team();
      await expectProblem(
        await call(member, 'DELETE', `/${org.id}/members/${admin.id}`),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      await expectProblem(
        await call(admin, 'DELETE', `/${org.id}/members/${owner.id}`),
        403,
        'ORGANIZATION_ROLE_REQUIRED',
      );
      expect(await roles(owner, org.id)).toEqual({
        [owner.id]: 'owner',
        [admin.id]: 'admin',
        [member.id]: 'member',
      });
    });

    it('refuses to remove the last owner, and removes an owner when another remains', async () => {
      const { owner, admin, org } = await team();
      await expectProblem(
        await call(owner, 'DELETE', `/${org.id}/members/${owner.id}`),
        409,
        'LAST_OWNER',
      );
      await call(owner, 'PATCH', `/${org.id}/members/${admin.id}`, { role: 'owner' });
      expect((await call(admin, 'DELETE', `/${org.id}/members/${owner.id}`)).status).toBe(204);
      await expectProblem(
        await call(admin, 'DELETE', `/${org.id}/members/${admin.id}`),
        409,
        'LAST_OWNER',
      );
      expect(Object.values(await roles(admin, org.id))).toContain('owner');
    });

    it('lets members and admins leave', async () => {
      const { owner, admin, member, org } = await team();
      for (const user of [member, admin]) {
        expect((await call(user, 'POST', `/${org.id}/leave`)).status).toBe(204);
        await expectProblem(await call(user, 'GET', `/${org.id}`), 404, 'ORGANIZATION_NOT_FOUND');
      }
      expect(await roles(owner, org.id)).toEqual({ [owner.id]: 'owner' });
    });

    it('keeps the last owner while others remain (409 LAST_OWNER); another owner may leave', async () => {
      const { owner, admin, org } = await team();
      await expectProblem(await call(owner, 'POST', `/${org.id}/leave`), 409, 'LAST_OWNER');
      await call(owner, 'PATCH', `/${org.id}/members/${admin.id}`, { role: 'owner' });
      expect((await call(owner, 'POST', `/${org.id}/leave`)).status).toBe(204);
      await expectProblem(await call(admin, 'POST', `/${org.id}/leave`), 409, 'LAST_OWNER');
    });

    it('deletes the organization when its last member leaves', async () => {
      const owner = await newUser(t);
      const member = await newUser(t);
      const org = await createOrg(owner);
      await addMember(owner, org.id, member, 'member');
      expect((await call(member, 'POST', `/${org.id}/leave`)).status).toBe(204);
      expect(await organizationExists(org.id)).toBe(true);
      expect((await call(owner, 'POST', `/${org.id}/leave`)).status).toBe(204);
      expect(await organizationExists(org.id)).toBe(false);
      await expectProblem(await call(owner, 'GET', `/${org.id}`), 404, 'ORGANIZATION_NOT_FOUND');
    });

    it('keeps an owner when two owners leave at the same time', async () => {
      for (let round = 0; round < 5; round += 1) {
        const { owner, admin, member, org } = await team();
        await call(owner, 'PATCH', `/${org.id}/members/${admin.id}`, { role: 'owner' });
        const statuses = (
          await Promise.all([
            call(owner, 'POST', `/${org.id}/leave`),
            call(admin, 'POST', `/${org.id}/leave`),
          ])
        )
          .map((r) => r.status)
          .sort();
        expect(statuses).toEqual([204, 409]);
        expect(Object.values(await roles(member, org.id))).toContain('owner');
      }
    });
  });

  describe('account deletion', () => {
    async function deleteAccount(userId: string): Promise<string[]> {
      return t.app.get(DataSource).transaction(async (manager) => {
        const hooks = await t.app.get(UserDeletionHooks).run(userId, manager);
        await manager.query('DELETE FROM users WHERE id = $1', [userId]);
        return hooks;
      });
    }

    it('deletes sole-member organizations, hands over last ownership, and drops memberships', async () => {
      const leaving = await newUser(t);
      const coOwner = await newUser(t);
      const [earlyMember, firstAdmin, laterAdmin, m1, m2] = await Promise.all([
        newUser(t),
        newUser(t),
        newUser(t),
        newUser(t),
        newUser(t),
      ]);

      const alone = await createOrg(leaving, 'Alone');

      const withAdmins = await createOrg(leaving, 'With admins');
      await addMember(leaving, withAdmins.id, earlyMember, 'member');
      await sleep(5);
      await addMember(leaving, withAdmins.id, firstAdmin, 'admin');
      await sleep(5);
      await addMember(leaving, withAdmins.id, laterAdmin, 'admin');

      const membersOnly = await createOrg(leaving, 'Members only');
      await addMember(leaving, membersOnly.id, m1, 'member');
      await sleep(5);
      await addMember(leaving, membersOnly.id, m2, 'member');

      const shared = await createOrg(coOwner, 'Shared ownership');
      await addMember(coOwner, shared.id, leaving, 'owner');
      await addMember(coOwner, shared.id, m1, 'member');

      const joined = await createOrg(coOwner, 'Joined');
      await addMember(coOwner, joined.id, leaving, 'member');

      expect(await deleteAccount(leaving.id)).toContain('organizations');

      expect(await organizationExists(alone.id)).toBe(false);
      expect(await roles(earlyMember, withAdmins.id)).toEqual({
        [earlyMember.id]: 'member',
        [firstAdmin.id]: 'owner',
        [laterAdmin.id]: 'admin',
      });
      expect(await roles(m1, membersOnly.id)).toEqual({ [m1.id]: 'owner', [m2.id]: 'member' });
      expect(await roles(coOwner, shared.id)).toEqual({ [coOwner.id]: 'owner', [m1.id]: 'member' });
      expect(await roles(coOwner, joined.id)).toEqual({ [coOwner.id]: 'owner' });
      const left: unknown[] = await t.app
        .get(DataSource)
        .query('SELECT 1 FROM organization_members WHERE user_id = $1', [leaving.id]);
      expect(left).toHaveLength(0);
    });
  });
});
