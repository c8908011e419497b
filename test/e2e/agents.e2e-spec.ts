import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Module, Post } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AgentSeeder } from '../../src/agents/agent-seeder.service.js';
import { AgentsAdminService } from '../../src/agents/agents-admin.service.js';
import { AgentsModule } from '../../src/agents/agents.module.js';
import { AgentsService } from '../../src/agents/agents.service.js';
import { UsageService } from '../../src/agents/usage.service.js';
import { CurrentPrincipal } from '../../src/auth/decorators/auth.decorators.js';
import type { Principal } from '../../src/auth/principal.js';
import { createApp } from '../../src/bootstrap.js';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface Agent {
  id: string;
  slug: string;
  name: string;
  description: string;
  premium: boolean;
  model: string;
  access: { allowed: boolean; reason: string | null };
}

interface AdminAgent {
  id: string;
  slug: string;
  name: string;
  description: string;
  provider: string;
  model: string | null;
  systemPrompt: string;
  temperature: number | null;
  maxTokens: number | null;
  premium: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Grant {
  agentId: string;
  userId: string;
  email: string | null;
  grantedBy: string | null;
  expiresAt: string | null;
  active: boolean;
  createdAt: string;
}

interface Usage {
  from: string;
  to: string;
  rows: {
    day: string;
    agentId: string;
    agentSlug: string;
    agentName: string;
    messages: number;
    promptTokens: number;
    completionTokens: number;
  }[];
  totals: { messages: number; promptTokens: number; completionTokens: number };
  today: { messages: number; limit: number | null; remaining: number | null };
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
  [extension: string]: unknown;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * DAY_MS).toISOString().slice(0, 10);
const uniqueSlug = (prefix = 'agent') => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A route that runs the chat's limit check, to see the 429 as clients will. */
@Controller('agents-fixture')
class LimitFixtureController {
  constructor(private readonly usage: UsageService) {}

  @Post('chat')
  async chat(@CurrentPrincipal() principal: Principal): Promise<{ ok: true }> {
    await this.usage.assertWithinLimit(principal);
    return { ok: true };
  }
}

@Module({ imports: [AgentsModule], controllers: [LimitFixtureController] })
class LimitFixtureModule {}

/** Calls, problem checks and factories against one running app. */
function helpers(t: () => TestApp) {
  const call = (user: TestUser | null, method: string, path: string, body?: unknown) => {
    const headers = user ? user.auth : {};
    return t().request(
      `/api/v1${path}`,
      body === undefined ? { method, headers } : jsonBody(body, headers, method),
    );
  };
  const principal = (user: TestUser, roles: string[] = []): Principal => ({
    userId: user.id,
    issuer: t().config.auth.localIssuer,
    subject: user.id,
    account: { emailVerified: true, localAccount: true, createdAt: new Date(0).toISOString() },
    email: user.email,
    emailVerified: true,
    name: 'Test User',
    roles,
    permissions: [],
    issuedAt: Math.floor(Date.now() / 1000),
  });
  const agentsOf = async (user: TestUser): Promise<Agent[]> => {
    const res = await call(user, 'GET', '/agents?limit=100');
    expect(res.status).toBe(200);
    return ((await res.json()) as Page<Agent>).items;
  };
  const allAgents = async (admin: TestUser): Promise<AdminAgent[]> => {
    const res = await call(admin, 'GET', '/admin/agents?limit=100');
    expect(res.status).toBe(200);
    return ((await res.json()) as Page<AdminAgent>).items;
  };
  return { call, principal, agentsOf, allAgents };
}

async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
  const body = (await res.json()) as Problem;
  expect({ status: res.status, code: body.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return body;
}

describe('agents', () => {
  let t: TestApp;
  let admin: TestUser;
  const { call, principal, agentsOf, allAgents } = helpers(() => t);

  beforeAll(async () => {
    t = await startTestApp({}, [LimitFixtureModule]);
    admin = await newUser(t, { roles: ['admin'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function createAgent(fields: Record<string, unknown> = {}): Promise<AdminAgent> {
    const res = await call(admin, 'POST', '/admin/agents', {
      slug: uniqueSlug(),
      name: 'Test agent',
      systemPrompt: 'You are a test agent.',
      ...fields,
    });
    expect(res.status).toBe(201);
    return (await res.json()) as AdminAgent;
  }

  async function seeded(slug: 'assistant' | 'analyst'): Promise<AdminAgent> {
    const found = (await allAgents(admin)).find((a) => a.slug === slug);
    if (!found) throw new Error(`the seeded agent ${slug} is missing`);
    return found;
  }

  describe('listing for users', () => {
    it('lists enabled agents by slug with whether I may use each and why not', async () => {
      const user = await newUser(t);
      const agents = await agentsOf(user);
      const analyst = await seeded('analyst');
      const assistant = await seeded('assistant');
      expect(agents.filter((a) => ['assistant', 'analyst'].includes(a.slug))).toEqual([
        {
          id: analyst.id,
          slug: 'analyst',
          name: 'Analyst',
          description: 'Deeper answers for premium users.',
          premium: true,
          model: 'meridian-local-dev',
          access: { allowed: false, reason: 'PREMIUM_REQUIRED' },
        },
        {
          id: assistant.id,
          slug: 'assistant',
          name: 'Assistant',
          description: 'A general assistant for everyday questions.',
          premium: false,
          model: 'meridian-local-dev',
          access: { allowed: true, reason: null },
        },
      ]);
      const slugs = agents.map((a) => a.slug);
      expect(slugs).toEqual([...slugs].sort());
    });

    it('lets the premium and admin roles use premium agents', async () => {
      for (const roles of [['premium'], ['admin'], ['other', 'premium']]) {
        const user = await newUser(t, { roles });
        const analyst = (await agentsOf(user)).find((a) => a.slug === 'analyst');
        expect(analyst?.access).toEqual({ allowed: true, reason: null });
      }
    });

    it('reads one enabled agent by slug or id, 404 otherwise', async () => {
      const user = await newUser(t);
      const analyst = await seeded('analyst');
      const bySlug = await call(user, 'GET', '/agents/analyst');
      expect(bySlug.status).toBe(200);
      const agent = (await bySlug.json()) as Agent;
      expect(agent).toMatchObject({ id: analyst.id, access: { reason: 'PREMIUM_REQUIRED' } });
      const byId = await call(user, 'GET', `/agents/${analyst.id.toUpperCase()}`);
      expect(await byId.json()).toEqual(agent);

      for (const missing of ['no-such-agent', randomUUID(), 'Not%20A%20Slug']) {
        await expectProblem(await call(user, 'GET', `/agents/${missing}`), 404, 'AGENT_NOT_FOUND');
      }
    });

    it('pages through agents by slug', async () => {
      const user = await newUser(t);
      const all = await agentsOf(user);
      expect(all.length).toBeGreaterThanOrEqual(2);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await call(user, 'GET', `/agents?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        const page = (await res.json()) as Page<Agent>;
        expect(page.items).toHaveLength(1);
        seen.push(page.items[0].slug);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.map((a) => a.slug));

      const forged = Buffer.from(JSON.stringify(['Bad Slug'])).toString('base64url');
      for (const query of [`?cursor=${forged}`, '?cursor=abc', '?limit=0', '?limit=101']) {
        await expectProblem(await call(user, 'GET', `/agents${query}`), 400, 'VALIDATION_FAILED');
      }
    });

    it('needs a bearer token', async () => {
      await expectProblem(await call(null, 'GET', '/agents'), 401, 'AUTH_REQUIRED');
      await expectProblem(await call(null, 'GET', '/agents/assistant'), 401, 'AUTH_REQUIRED');
      await expectProblem(await call(null, 'GET', '/usage/me'), 401, 'AUTH_REQUIRED');
    });
  });

  describe('access for chat', () => {
    it('resolves a regular agent for anyone, a premium one for the premium and admin roles', async () => {
      const agents = t.app.get(AgentsService);
      const analyst = await seeded('analyst');
      const assistant = await seeded('assistant');

      const plain = await newUser(t);
      expect(await agents.resolveForChat(principal(plain), assistant.id)).toEqual({
        id: assistant.id,
        slug: 'assistant',
        name: 'Assistant',
        provider: 'local',
        model: 'meridian-local-dev',
        systemPrompt: 'You are Meridian Assistant, a concise and helpful assistant.',
        temperature: 0.7,
        maxTokens: 1024,
      });
      await expect(agents.resolveForChat(principal(plain), analyst.id)).rejects.toMatchObject({
        status: 403,
        code: 'AGENT_PREMIUM_REQUIRED',
      });
      await expect(agents.assertUsable(principal(plain), analyst.id)).rejects.toMatchObject({
        status: 403,
        code: 'AGENT_PREMIUM_REQUIRED',
      });
      await expect(agents.assertUsable(principal(plain), assistant.id)).resolves.toBeUndefined();

      for (const role of ['premium', 'admin']) {
        const user = await newUser(t, { roles: [role] });
        await expect(agents.resolveForChat(principal(user, [role]), analyst.id)).resolves.toEqual(
          expect.objectContaining({ slug: 'analyst', temperature: 0.3, maxTokens: 2048 }),
        );
      }
    });

    it('answers 404 for an unknown agent and 403 AGENT_DISABLED for a disabled one', async () => {
      const agents = t.app.get(AgentsService);
      const user = principal(await newUser(t));
      for (const id of [randomUUID(), 'not-a-uuid']) {
        await expect(agents.resolveForChat(user, id)).rejects.toMatchObject({
          status: 404,
          code: 'AGENT_NOT_FOUND',
        });
      }
      const agent = await createAgent({ enabled: false });
      await expect(agents.resolveForChat(user, agent.id)).rejects.toMatchObject({
        status: 403,
        code: 'AGENT_DISABLED',
      });
      const adminPrincipal = principal(admin, ['admin']);
      await expect(agents.assertUsable(adminPrincipal, agent.id)).rejects.toMatchObject({
        code: 'AGENT_DISABLED',
      });
    });

    it('finds any agent by id for other features, null when unknown', async () => {
      const agents = t.app.get(AgentsService);
      const disabled = await createAgent({ enabled: false, premium: true, model: 'm-1' });
      expect(await agents.findById(disabled.id)).toEqual({
        id: disabled.id,
        slug: disabled.slug,
        name: 'Test agent',
        description: '',
        provider: 'local',
        model: 'm-1',
        systemPrompt: 'You are a test agent.',
        temperature: null,
        maxTokens: null,
        premium: true,
        enabled: false,
      });
      expect(await agents.findById(randomUUID())).toBeNull();
      expect(await agents.findById('assistant')).toBeNull();
    });
  });

  describe('grants', () => {
    const grantPath = (agentId: string, userId = '') =>
      `/admin/agents/${agentId}/grants${userId ? `/${userId}` : ''}`;

    it('opens a premium agent to a grantee until the grant is revoked', async () => {
      const agents = t.app.get(AgentsService);
      const analyst = await seeded('analyst');
      const grantee = await newUser(t);
      const bystander = await newUser(t);

      const res = await call(admin, 'PUT', grantPath(analyst.id, grantee.id), {});
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        agentId: analyst.id,
        userId: grantee.id,
        email: grantee.email,
        grantedBy: admin.id,
        expiresAt: null,
        active: true,
        createdAt: expect.stringMatching(ISO),
      });

      const listed = (await agentsOf(grantee)).find((a) => a.slug === 'analyst');
      expect(listed?.access).toEqual({ allowed: true, reason: null });
      await expect(agents.resolveForChat(principal(grantee), analyst.id)).resolves.toMatchObject({
        slug: 'analyst',
      });
      // The grant is the grantee's alone.
      const other = (await agentsOf(bystander)).find((a) => a.slug === 'analyst');
      expect(other?.access.reason).toBe('PREMIUM_REQUIRED');

      expect((await call(admin, 'DELETE', grantPath(analyst.id, grantee.id))).status).toBe(204);
      const after = (await agentsOf(grantee)).find((a) => a.slug === 'analyst');
      expect(after?.access).toEqual({ allowed: false, reason: 'PREMIUM_REQUIRED' });
      await expect(agents.resolveForChat(principal(grantee), analyst.id)).rejects.toMatchObject({
        code: 'AGENT_PREMIUM_REQUIRED',
      });
      await expectProblem(
        await call(admin, 'DELETE', grantPath(analyst.id, grantee.id)),
        404,
        'AGENT_GRANT_NOT_FOUND',
      );
    });

    it('opens only the agent it was granted for', async () => {
      const other = await createAgent({ premium: true });
      const analyst = await seeded('analyst');
      const user = await newUser(t);
      expect((await call(admin, 'PUT', grantPath(other.id, user.id), {})).status).toBe(200);
      const agents = await agentsOf(user);
      expect(agents.find((a) => a.id === other.id)?.access.allowed).toBe(true);
      expect(agents.find((a) => a.id === analyst.id)?.access.allowed).toBe(false);
    });

    it('refuses an expired grant', async () => {
      const agentsService = t.app.get(AgentsService);
      const analyst = await seeded('analyst');
      const user = await newUser(t);
      const expiresAt = new Date(Date.now() + 1500).toISOString();
      const res = await call(admin, 'PUT', grantPath(analyst.id, user.id), { expiresAt });
      expect(await res.json()).toMatchObject({ expiresAt, active: true });
      await expect(
        agentsService.assertUsable(principal(user), analyst.id),
      ).resolves.toBeUndefined();

      await sleep(Date.parse(expiresAt) - Date.now() + 200);
      const listed = (await agentsOf(user)).find((a) => a.slug === 'analyst');
      expect(listed?.access).toEqual({ allowed: false, reason: 'PREMIUM_REQUIRED' });
      await expect(agentsService.resolveForChat(principal(user), analyst.id)).rejects.toMatchObject(
        { status: 403, code: 'AGENT_PREMIUM_REQUIRED' },
      );
      const grants = (await (
        await call(admin, 'GET', grantPath(analyst.id))
      ).json()) as Page<Grant>;
      expect(grants.items.find((g) => g.userId === user.id)).toMatchObject({
        expiresAt,
        active: false,
      });

      // Granting again replaces the expiry; null means until revoked.
      const renewed = await call(admin, 'PUT', grantPath(analyst.id, user.id), { expiresAt: null });
      expect(await renewed.json()).toMatchObject({ expiresAt: null, active: true });
      await expect(
        agentsService.assertUsable(principal(user), analyst.id),
      ).resolves.toBeUndefined();
    });

    it('lists an agent’s grants newest first, in pages', async () => {
      const agent = await createAgent({ premium: true });
      const users = [await newUser(t), await newUser(t), await newUser(t)];
      for (const user of users) {
        expect((await call(admin, 'PUT', grantPath(agent.id, user.id), {})).status).toBe(200);
        await sleep(5);
      }
      const first = (await (
        await call(admin, 'GET', `${grantPath(agent.id)}?limit=2`)
      ).json()) as Page<Grant>;
      expect(first.items.map((g) => g.userId)).toEqual([users[2].id, users[1].id]);
      const second = (await (
        await call(admin, 'GET', `${grantPath(agent.id)}?limit=2&cursor=${first.nextCursor}`)
      ).json()) as Page<Grant>;
      expect(second).toEqual({
        items: [expect.objectContaining({ userId: users[0].id, email: users[0].email })],
        nextCursor: null,
      });
    });

    it('validates grants: future expiry, known agent and user', async () => {
      const analyst = await seeded('analyst');
      const user = await newUser(t);
      for (const expiresAt of [new Date(Date.now() - 1000).toISOString(), 'tomorrow', 42]) {
        await expectProblem(
          await call(admin, 'PUT', grantPath(analyst.id, user.id), { expiresAt }),
          400,
          'VALIDATION_FAILED',
        );
      }
      await expectProblem(
        await call(admin, 'PUT', grantPath(analyst.id, user.id), { until: 'never' }),
        400,
        'VALIDATION_FAILED',
      );
      await expectProblem(
        await call(admin, 'PUT', grantPath(analyst.id, randomUUID()), {}),
        404,
        'USER_NOT_FOUND',
      );
      await expectProblem(
        await call(admin, 'PUT', grantPath(randomUUID(), user.id), {}),
        404,
        'AGENT_NOT_FOUND',
      );
      await expectProblem(
        await call(admin, 'GET', grantPath(randomUUID())),
        404,
        'AGENT_NOT_FOUND',
      );
      await expectProblem(
        await call(admin, 'PUT', grantPath('analyst', user.id), {}),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('administration', () => {
    it('keeps every admin endpoint for admins: 401 without a token, 403 without the role', async () => {
      const agent = await createAgent();
      const user = await newUser(t, { roles: ['premium'] });
      const routes: [string, string, unknown?][] = [
        ['GET', '/admin/agents'],
        ['POST', '/admin/agents', { slug: uniqueSlug(), name: 'X', systemPrompt: 'X' }],
        ['PATCH', `/admin/agents/${agent.id}`, { name: 'Taken over' }],
        ['POST', `/admin/agents/${agent.id}/enable`],
        ['POST', `/admin/agents/${agent.id}/disable`],
        ['DELETE', `/admin/agents/${agent.id}`],
        ['GET', `/admin/agents/${agent.id}/grants`],
        ['PUT', `/admin/agents/${agent.id}/grants/${user.id}`, {}],
        ['DELETE', `/admin/agents/${agent.id}/grants/${user.id}`],
      ];
      for (const [method, path, body] of routes) {
        await expectProblem(await call(null, method, path, body), 401, 'AUTH_REQUIRED');
        await expectProblem(await call(user, method, path, body), 403, 'MISSING_ROLE');
      }
      // Nothing changed.
      const after = (await allAgents(admin)).find((a) => a.id === agent.id);
      expect(after).toEqual(agent);
    });

    it('creates an agent with every field, or with defaults', async () => {
      const slug = uniqueSlug('full');
      const res = await call(admin, 'POST', '/admin/agents', {
        slug,
        name: '  Code reviewer  ',
        description: ' Reviews code. ',
        provider: 'openai',
        model: 'gpt-4o',
        systemPrompt: 'Review the code.',
        temperature: 0.25,
        maxTokens: 4096,
        premium: true,
        enabled: true,
      });
      expect(res.status).toBe(201);
      const full = (await res.json()) as AdminAgent;
      expect(full).toEqual({
        id: expect.stringMatching(UUID),
        slug,
        name: 'Code reviewer',
        description: 'Reviews code.',
        provider: 'openai',
        model: 'gpt-4o',
        systemPrompt: 'Review the code.',
        temperature: 0.25,
        maxTokens: 4096,
        premium: true,
        enabled: true,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect((await allAgents(admin)).find((a) => a.id === full.id)).toEqual(full);

      const minimal = await createAgent();
      expect(minimal).toMatchObject({
        description: '',
        provider: 'local',
        model: null,
        temperature: null,
        maxTokens: null,
        premium: false,
        enabled: true,
      });
    });

    it('rejects invalid agents', async () => {
      const valid = { slug: uniqueSlug(), name: 'Valid', systemPrompt: 'Be valid.' };
      const invalid: Record<string, unknown>[] = [
        { name: 'No slug', systemPrompt: 'x' },
        { ...valid, slug: 'Upper-Case' },
        { ...valid, slug: '-leading' },
        { ...valid, slug: 'a'.repeat(64) },
        { ...valid, slug: 'has space' },
        { ...valid, name: '' },
        { ...valid, name: '   ' },
        { ...valid, name: 'n'.repeat(101) },
        { ...valid, name: null },
        { ...valid, systemPrompt: ' \n ' },
        { ...valid, systemPrompt: undefined },
        { ...valid, provider: 'anthropic' },
        { ...valid, provider: null },
        { ...valid, model: 'two words' },
        { ...valid, model: 'm'.repeat(201) },
        { ...valid, temperature: 2.5 },
        { ...valid, temperature: -0.1 },
        { ...valid, temperature: '0.5' },
        { ...valid, maxTokens: 0 },
        { ...valid, maxTokens: 1.5 },
        { ...valid, premium: 'yes' },
        { ...valid, description: 'd'.repeat(2001) },
        { ...valid, id: randomUUID() },
      ];
      for (const body of invalid) {
        const problem = await expectProblem(
          await call(admin, 'POST', '/admin/agents', body),
          400,
          'VALIDATION_FAILED',
        );
        expect(problem.errors?.length).toBeGreaterThan(0);
      }
      expect((await allAgents(admin)).some((a) => a.slug === valid.slug)).toBe(false);
    });

    it('refuses a slug another agent has, on create and on update', async () => {
      const first = await createAgent();
      const second = await createAgent();
      await expectProblem(
        await call(admin, 'POST', '/admin/agents', {
          slug: first.slug,
          name: 'Copy',
          systemPrompt: 'x',
        }),
        409,
        'AGENT_SLUG_TAKEN',
      );
      await expectProblem(
        await call(admin, 'PATCH', `/admin/agents/${second.id}`, { slug: first.slug }),
        409,
        'AGENT_SLUG_TAKEN',
      );
      await expectProblem(
        await call(admin, 'POST', '/admin/agents', {
          slug: 'assistant',
          name: 'Copy',
          systemPrompt: 'x',
        }),
        409,
        'AGENT_SLUG_TAKEN',
      );
    });

    it('updates the given fields, resets nullable ones with null, and keeps the rest', async () => {
      const agent = await createAgent({ model: 'm-1', temperature: 1, maxTokens: 100 });
      await sleep(5);
      const slug = uniqueSlug('renamed');
      const res = await call(admin, 'PATCH', `/admin/agents/${agent.id}`, {
        slug,
        name: ' Renamed ',
        model: null,
        temperature: null,
        premium: true,
      });
      expect(res.status).toBe(200);
      const updated = (await res.json()) as AdminAgent;
      expect(updated).toEqual({
        ...agent,
        slug,
        name: 'Renamed',
        model: null,
        temperature: null,
        premium: true,
        updatedAt: expect.stringMatching(ISO),
      });
      expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(agent.updatedAt));

      const empty = await call(admin, 'PATCH', `/admin/agents/${agent.id}`, {});
      expect(await empty.json()).toMatchObject({ slug, maxTokens: 100 });

      for (const body of [
        { name: null },
        { systemPrompt: '' },
        { enabled: false },
        { temperature: 9 },
        { premium: null },
      ]) {
        await expectProblem(
          await call(admin, 'PATCH', `/admin/agents/${agent.id}`, body),
          400,
          'VALIDATION_FAILED',
        );
      }
      await expectProblem(
        await call(admin, 'PATCH', `/admin/agents/${randomUUID()}`, { name: 'Ghost' }),
        404,
        'AGENT_NOT_FOUND',
      );
      await expectProblem(
        await call(admin, 'PATCH', '/admin/agents/not-a-uuid', { name: 'Ghost' }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('disabling hides an agent from users and enabling brings it back', async () => {
      const user = await newUser(t);
      const agent = await createAgent();
      expect((await agentsOf(user)).map((a) => a.id)).toContain(agent.id);

      const disabled = await call(admin, 'POST', `/admin/agents/${agent.id}/disable`);
      expect(disabled.status).toBe(200);
      expect(await disabled.json()).toMatchObject({ id: agent.id, enabled: false });
      expect((await agentsOf(user)).map((a) => a.id)).not.toContain(agent.id);
      await expectProblem(await call(user, 'GET', `/agents/${agent.slug}`), 404, 'AGENT_NOT_FOUND');
      await expectProblem(await call(user, 'GET', `/agents/${agent.id}`), 404, 'AGENT_NOT_FOUND');
      expect((await allAgents(admin)).find((a) => a.id === agent.id)?.enabled).toBe(false);

      const enabled = await call(admin, 'POST', `/admin/agents/${agent.id}/enable`);
      expect(await enabled.json()).toMatchObject({ id: agent.id, enabled: true });
      expect((await agentsOf(user)).map((a) => a.id)).toContain(agent.id);
      expect((await call(user, 'GET', `/agents/${agent.slug}`)).status).toBe(200);

      for (const action of ['enable', 'disable']) {
        await expectProblem(
          await call(admin, 'POST', `/admin/agents/${randomUUID()}/${action}`),
          404,
          'AGENT_NOT_FOUND',
        );
      }
    });

    it('deletes an agent with its grants and usage', async () => {
      const user = await newUser(t);
      const agent = await createAgent({ premium: true });
      expect(
        (await call(admin, 'PUT', `/admin/agents/${agent.id}/grants/${user.id}`, {})).status,
      ).toBe(200);
      await t.app.get(UsageService).record(user.id, agent.id, {
        messages: 1,
        promptTokens: 1,
        completionTokens: 1,
      });

      expect((await call(admin, 'DELETE', `/admin/agents/${agent.id}`)).status).toBe(204);
      expect((await allAgents(admin)).map((a) => a.id)).not.toContain(agent.id);
      await expectProblem(
        await call(admin, 'DELETE', `/admin/agents/${agent.id}`),
        404,
        'AGENT_NOT_FOUND',
      );
      const db = t.app.get(DataSource);
      expect(await db.query('SELECT 1 FROM agent_grants WHERE agent_id = $1', [agent.id])).toEqual(
        [],
      );
      expect(await db.query('SELECT 1 FROM usage_daily WHERE agent_id = $1', [agent.id])).toEqual(
        [],
      );
    });

    it('removes grants and usage with the user’s account', async () => {
      const user = await newUser(t);
      const analyst = await seeded('analyst');
      await call(admin, 'PUT', `/admin/agents/${analyst.id}/grants/${user.id}`, {});
      await t.app.get(UsageService).record(user.id, analyst.id, {
        messages: 2,
        promptTokens: 3,
        completionTokens: 4,
      });
      const db = t.app.get(DataSource);
      await db.query('DELETE FROM users WHERE id = $1', [user.id]);
      expect(await db.query('SELECT 1 FROM agent_grants WHERE user_id = $1', [user.id])).toEqual(
        [],
      );
      expect(await db.query('SELECT 1 FROM usage_daily WHERE user_id = $1', [user.id])).toEqual([]);
    });
  });

  describe('usage', () => {
    const record = (userId: string, agentId: string, m: number, p: number, c: number) =>
      t.app.get(UsageService).record(userId, agentId, {
        messages: m,
        promptTokens: p,
        completionTokens: c,
      });

    it('starts empty over the last 30 days, with no limit when none is configured', async () => {
      const user = await newUser(t);
      const res = await call(user, 'GET', '/usage/me');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        from: daysAgo(29),
        to: today(),
        rows: [],
        totals: { messages: 0, promptTokens: 0, completionTokens: 0 },
        today: { messages: 0, limit: null, remaining: null },
      });
    });

    it('adds up usage per day and agent, for me only', async () => {
      const me = await newUser(t);
      const other = await newUser(t);
      const assistant = await seeded('assistant');
      const analyst = await seeded('analyst');
      await record(me.id, assistant.id, 1, 10, 20);
      await record(me.id, assistant.id, 1, 5, 7);
      await record(me.id, analyst.id, 1, 100, 200);
      await record(other.id, assistant.id, 9, 9, 9);
      await t.app.get(DataSource).query(
        `INSERT INTO usage_daily (user_id, agent_id, day, messages, prompt_tokens, completion_tokens)
           VALUES ($1, $2, $3, 4, 40, 400), ($1, $2, $4, 8, 80, 800)`,
        [me.id, assistant.id, daysAgo(3), daysAgo(40)],
      );

      const usage = (await (await call(me, 'GET', '/usage/me')).json()) as Usage;
      expect(usage.rows).toEqual([
        {
          day: daysAgo(3),
          agentId: assistant.id,
          agentSlug: 'assistant',
          agentName: 'Assistant',
          messages: 4,
          promptTokens: 40,
          completionTokens: 400,
        },
        {
          day: today(),
          agentId: analyst.id,
          agentSlug: 'analyst',
          agentName: 'Analyst',
          messages: 1,
          promptTokens: 100,
          completionTokens: 200,
        },
        {
          day: today(),
          agentId: assistant.id,
          agentSlug: 'assistant',
          agentName: 'Assistant',
          messages: 2,
          promptTokens: 15,
          completionTokens: 27,
        },
      ]);
      expect(usage.totals).toEqual({ messages: 7, promptTokens: 155, completionTokens: 627 });
      expect(usage.today).toEqual({ messages: 3, limit: null, remaining: null });

      const older = (await (
        await call(me, 'GET', `/usage/me?from=${daysAgo(45)}&to=${daysAgo(30)}`)
      ).json()) as Usage;
      expect(older).toMatchObject({ from: daysAgo(45), to: daysAgo(30) });
      expect(older.rows.map((r) => [r.day, r.messages])).toEqual([[daysAgo(40), 8]]);
      expect(older.totals.messages).toBe(8);
      expect(older.today.messages).toBe(3);

      const oneDay = (await (
        await call(me, 'GET', `/usage/me?from=${daysAgo(3)}&to=${daysAgo(3)}`)
      ).json()) as Usage;
      expect(oneDay.rows).toHaveLength(1);
    });

    it('reads at most 92 days, forwards, of real dates', async () => {
      const user = await newUser(t);
      expect((await call(user, 'GET', `/usage/me?from=${daysAgo(91)}`)).status).toBe(200);
      expect(
        (await call(user, 'GET', `/usage/me?from=${daysAgo(100)}&to=${daysAgo(9)}`)).status,
      ).toBe(200);
      for (const query of [
        `from=${daysAgo(92)}`,
        `to=${today()}&from=${daysAgo(200)}`,
        `from=${today()}&to=${daysAgo(1)}`,
        'from=2026-02-30',
        'from=2026/01/01',
        'to=yesterday',
        `to=${new Date().toISOString()}`,
        'days=7',
      ]) {
        await expectProblem(
          await call(user, 'GET', `/usage/me?${query}`),
          400,
          'VALIDATION_FAILED',
        );
      }
    });

    it('records concurrent usage without losing any', async () => {
      const user = await newUser(t);
      const assistant = await seeded('assistant');
      await Promise.all(Array.from({ length: 20 }, () => record(user.id, assistant.id, 1, 2, 3)));
      const usage = (await (await call(user, 'GET', '/usage/me')).json()) as Usage;
      expect(usage.totals).toEqual({ messages: 20, promptTokens: 40, completionTokens: 60 });
    });

    it('refuses counts that are not whole numbers >= 0', async () => {
      const user = await newUser(t);
      const assistant = await seeded('assistant');
      for (const counts of [
        { messages: -1, promptTokens: 0, completionTokens: 0 },
        { messages: 1, promptTokens: 1.5, completionTokens: 0 },
        { messages: 1, promptTokens: 0, completionTokens: Number.NaN },
      ]) {
        await expect(t.app.get(UsageService).record(user.id, assistant.id, counts)).rejects.toThrow(
          TypeError,
        );
      }
    });

    it('skips usage of a user or agent that no longer exists', async () => {
      const user = await newUser(t);
      const assistant = await seeded('assistant');
      await expect(record(randomUUID(), assistant.id, 1, 1, 1)).resolves.toBeUndefined();
      await expect(record(user.id, randomUUID(), 1, 1, 1)).resolves.toBeUndefined();
    });

    it('never limits anyone when no daily limits are configured', async () => {
      const user = await newUser(t);
      const assistant = await seeded('assistant');
      await record(user.id, assistant.id, 10_000, 0, 0);
      await expect(
        t.app.get(UsageService).assertWithinLimit(principal(user)),
      ).resolves.toBeUndefined();
      expect((await call(user, 'POST', '/agents-fixture/chat')).status).toBe(201);
    });
  });
});

// Passport keeps one 'jwt' strategy per process: the app created last verifies every
// app's tokens. Each suite below therefore has its app to itself, and after booting a
// second app on the same database a suite talks to services and SQL, not HTTP.
describe('seeding', () => {
  let s: TestApp;
  const own = helpers(() => s);
  const slugs = async (): Promise<string[]> => {
    const rows: { slug: string }[] = await s.app
      .get(DataSource)
      .query('SELECT slug FROM agents ORDER BY slug');
    return rows.map((r) => r.slug);
  };
  /** A second replica starting on the same database. */
  const bootAgain = async () => {
    const { app } = await createApp(s.config, s.logger, s.database);
    await app.init();
    await app.close();
  };

  beforeAll(async () => {
    s = await startTestApp();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('seeds the two default agents on a fresh app', async () => {
    const sAdmin = await newUser(s, { roles: ['admin'] });
    expect(await own.allAgents(sAdmin)).toEqual([
      {
        id: expect.stringMatching(UUID),
        slug: 'analyst',
        name: 'Analyst',
        description: 'Deeper answers for premium users.',
        provider: 'local',
        model: null,
        systemPrompt:
          'You are Meridian Analyst. Reason carefully and explain your answers step by step.',
        temperature: 0.3,
        maxTokens: 2048,
        premium: true,
        enabled: true,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      },
      {
        id: expect.stringMatching(UUID),
        slug: 'assistant',
        name: 'Assistant',
        description: 'A general assistant for everyday questions.',
        provider: 'local',
        model: null,
        systemPrompt: 'You are Meridian Assistant, a concise and helpful assistant.',
        temperature: 0.7,
        maxTokens: 1024,
        premium: false,
        enabled: true,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      },
    ]);
  });

  it('does not seed again on a second boot, nor bring back agents an admin deleted', async () => {
    expect(await slugs()).toEqual(['analyst', 'assistant']);
    await bootAgain();
    expect(await slugs()).toEqual(['analyst', 'assistant']);

    const analyst = await s.app.get(AgentsService).get(own.principal(await newUser(s)), 'analyst');
    await s.app.get(AgentsAdminService).delete(analyst.id);
    await bootAgain();
    expect(await slugs()).toEqual(['assistant']);
  });

  it('seeds once when replicas start together on an empty table', async () => {
    await s.app.get(DataSource).query('DELETE FROM agents');
    const seeder = s.app.get(AgentSeeder);
    const results = await Promise.all([seeder.seed(), seeder.seed(), seeder.seed()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await slugs()).toEqual(['analyst', 'assistant']);
  });
});

describe('agents seeded from AGENTS_SEED, with an LLM endpoint', () => {
  let s: TestApp;
  const own = helpers(() => s);

  beforeAll(async () => {
    s = await startTestApp({
      LLM_BASE_URL: 'http://127.0.0.1:9/v1',
      LLM_MODEL: 'deployment-model',
      AGENTS_SEED: JSON.stringify([
        { slug: 'helper', name: 'Helper', systemPrompt: 'Help.' },
        { slug: 'pinned', name: 'Pinned', systemPrompt: 'Pin.', model: 'own-model' },
        { slug: 'offline', name: 'Offline', systemPrompt: 'Local.', provider: 'local' },
      ]),
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('seeds them, defaulting to the OpenAI provider, and resolves the deployment model', async () => {
    const sAdmin = await newUser(s, { roles: ['admin'] });
    const agents = await own.allAgents(sAdmin);
    expect(agents.map((a) => [a.slug, a.provider, a.model, a.premium, a.temperature])).toEqual([
      ['helper', 'openai', null, false, null],
      ['offline', 'local', null, false, null],
      ['pinned', 'openai', 'own-model', false, null],
    ]);
    const user = await newUser(s);
    expect((await own.agentsOf(user)).map((a) => [a.slug, a.model])).toEqual([
      ['helper', 'deployment-model'],
      ['offline', 'meridian-local-dev'],
      ['pinned', 'own-model'],
    ]);
    expect(
      await s.app.get(AgentsService).resolveForChat(own.principal(user), agents[0].id),
    ).toEqual({
      id: agents[0].id,
      slug: 'helper',
      name: 'Helper',
      provider: 'openai',
      model: 'deployment-model',
      systemPrompt: 'Help.',
      temperature: null,
      maxTokens: null,
    });
  });

  it("creates agents on the deployment's provider unless told otherwise", async () => {
    const sAdmin = await newUser(s, { roles: ['admin'] });
    const res = await own.call(sAdmin, 'POST', '/admin/agents', {
      slug: uniqueSlug(),
      name: 'Default provider',
      systemPrompt: 'x',
    });
    expect(await res.json()).toMatchObject({ provider: 'openai', model: null });
  });
});

describe('deleting an agent that conversations use', () => {
  let c: TestApp;
  let cAdmin: TestUser;
  const own = helpers(() => c);

  beforeAll(async () => {
    c = await startTestApp();
    cAdmin = await newUser(c, { roles: ['admin'] });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('refuses with 409 AGENT_IN_USE while a conversation uses it; other agents go', async () => {
    const create = async () => {
      const res = await own.call(cAdmin, 'POST', '/admin/agents', {
        slug: uniqueSlug(),
        name: 'Used',
        systemPrompt: 'x',
      });
      return (await res.json()) as AdminAgent;
    };
    const used = await create();
    const unused = await create();
    const conversation = await own.call(cAdmin, 'POST', '/conversations', { agentId: used.id });
    expect(conversation.status).toBe(201);
    const { id: conversationId } = (await conversation.json()) as { id: string };

    await expectProblem(
      await own.call(cAdmin, 'DELETE', `/admin/agents/${used.id}`),
      409,
      'AGENT_IN_USE',
    );
    expect((await own.allAgents(cAdmin)).map((a) => a.id)).toContain(used.id);
    expect((await own.call(cAdmin, 'DELETE', `/admin/agents/${unused.id}`)).status).toBe(204);

    expect((await own.call(cAdmin, 'DELETE', `/conversations/${conversationId}`)).status).toBe(204);
    expect((await own.call(cAdmin, 'DELETE', `/admin/agents/${used.id}`)).status).toBe(204);
  });
});

describe('daily limits (CHAT_DAILY_LIMITS)', () => {
  let l: TestApp;
  const own = helpers(() => l);
  let assistant: string;
  let analyst: string;

  beforeAll(async () => {
    l = await startTestApp(
      { CHAT_DAILY_LIMITS: JSON.stringify({ default: 2, staff: 3, premium: 5 }) },
      [LimitFixtureModule],
    );
    const lAdmin = await newUser(l, { roles: ['admin'] });
    const agents = await own.allAgents(lAdmin);
    assistant = agents.find((a) => a.slug === 'assistant')!.id;
    analyst = agents.find((a) => a.slug === 'analyst')!.id;
  });
  afterAll(async () => {
    await l?.close();
  });

  const record = (userId: string, agentId: string, messages: number) =>
    l.app.get(UsageService).record(userId, agentId, {
      messages,
      promptTokens: 0,
      completionTokens: 0,
    });

  it('answers 429 CHAT_LIMIT_REACHED with Retry-After until UTC midnight once today is used up', async () => {
    const user = await newUser(l);
    const usage = l.app.get(UsageService);
    await expect(usage.assertWithinLimit(own.principal(user))).resolves.toBeUndefined();
    // All agents count together.
    await record(user.id, assistant, 1);
    await expect(usage.assertWithinLimit(own.principal(user))).resolves.toBeUndefined();
    expect((await own.call(user, 'POST', '/agents-fixture/chat')).status).toBe(201);
    await record(user.id, analyst, 1);

    await expect(usage.assertWithinLimit(own.principal(user))).rejects.toMatchObject({
      status: 429,
      code: 'CHAT_LIMIT_REACHED',
      options: { headers: { 'retry-after': expect.stringMatching(/^\d+$/) } },
    });
    const res = await own.call(user, 'POST', '/agents-fixture/chat');
    const problem = await expectProblem(res, 429, 'CHAT_LIMIT_REACHED');
    const midnight = Date.parse(`${today()}T00:00:00Z`) + DAY_MS;
    const expected = (midnight - Date.now()) / 1000;
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(Math.floor(expected) - 2);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(expected) + 1);
    expect(problem).toMatchObject({ limit: 2, resetsAt: new Date(midnight).toISOString() });

    const report = (await (await own.call(user, 'GET', '/usage/me')).json()) as Usage;
    expect(report.today).toEqual({ messages: 2, limit: 2, remaining: 0 });

    // Another user's allowance is their own.
    const other = await newUser(l);
    await expect(usage.assertWithinLimit(own.principal(other))).resolves.toBeUndefined();
  });

  it('applies the most generous limit among my roles, and the default to roles without one', async () => {
    const usage = l.app.get(UsageService);
    const cases: [string[], number][] = [
      [[], 2],
      [['unlisted'], 2],
      [['staff'], 3],
      [['staff', 'premium'], 5],
      [['premium', 'unlisted'], 5],
    ];
    for (const [roles, limit] of cases) {
      const user = await newUser(l, { roles });
      const me = own.principal(user, roles);
      await record(user.id, assistant, limit - 1);
      await expect(usage.assertWithinLimit(me)).resolves.toBeUndefined();
      const report = (await (await own.call(user, 'GET', '/usage/me')).json()) as Usage;
      expect(report.today).toEqual({ messages: limit - 1, limit, remaining: 1 });
      await record(user.id, assistant, 1);
      await expect(usage.assertWithinLimit(me)).rejects.toMatchObject({
        status: 429,
        code: 'CHAT_LIMIT_REACHED',
      });
    }
  });

  it('counts only today (UTC): yesterday’s messages leave today’s allowance whole', async () => {
    const user = await newUser(l);
    await l.app
      .get(DataSource)
      .query(`INSERT INTO usage_daily (user_id, agent_id, day, messages) VALUES ($1, $2, $3, 50)`, [
        user.id,
        assistant,
        daysAgo(1),
      ]);
    await expect(
      l.app.get(UsageService).assertWithinLimit(own.principal(user)),
    ).resolves.toBeUndefined();
    const report = (await (await own.call(user, 'GET', '/usage/me')).json()) as Usage;
    expect(report.today).toEqual({ messages: 0, limit: 2, remaining: 2 });
    expect(report.totals.messages).toBe(50);
  });
});
