import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { StatsRollup } from '../../src/admin/stats/stats-rollup.service.js';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface Series {
  points: { at: string; value: number }[];
}
const DAY = 86_400_000;
const dayStart = (offsetDays: number) => {
  const d = new Date(Date.now() + offsetDays * DAY);
  d.setUTCHours(0, 0, 0, 0);
  return d;
};

describe('statistics and analytics', () => {
  let t: TestApp;
  let admin: TestUser;
  let user: TestUser;
  let db: DataSource;
  let assistant: string;
  let analyst: string;
  const sql = <T>(query: string, params: unknown[] = []) => db.query<T[]>(query, params);
  const get = (path: string, headers: Record<string, string> = {}) =>
    t.request(path, { headers: { ...admin.auth, ...headers } });

  beforeAll(async () => {
    t = await startTestApp({ STATS_CACHE_TTL_MS: '1500', CHAT_DAILY_LIMITS: '{"default":1}' });
    db = t.app.get(DataSource);
    admin = await newUser(t, { roles: ['admin'] });
    user = await newUser(t);
    [{ id: assistant }] = await sql<{ id: string }>(
      `SELECT id FROM agents WHERE slug = 'assistant'`,
    );
    [{ id: analyst }] = await sql<{ id: string }>(`SELECT id FROM agents WHERE slug = 'analyst'`);
    // conversations and messages over the last days (as the chat would have written them)
    for (const [offset, count] of [
      [-3, 2],
      [-1, 3],
      [0, 1],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const at = new Date(dayStart(offset).getTime() + (i + 1) * 3_600_000);
        const [{ id }] = await sql<{ id: string }>(
          `INSERT INTO conversations (user_id, agent_id, created_at) VALUES ($1, $2, $3) RETURNING id`,
          [user.id, assistant, at],
        );
        await sql(
          `INSERT INTO messages (conversation_id, role, content, created_at, prompt_tokens, completion_tokens)
           VALUES ($1, 'user', 'hi', $2, 0, 0), ($1, 'assistant', 'hello', $2, 10, 25)`,
          [id, at],
        );
      }
    }
    await sql(
      `INSERT INTO usage_daily (user_id, agent_id, day, messages, prompt_tokens, completion_tokens)
       VALUES ($1, $2, $4, 6, 60, 150), ($1, $3, $4, 2, 20, 50)`,
      [user.id, assistant, analyst, dayStart(-1).toISOString().slice(0, 10)],
    );
    await t.app.get(StatsRollup).run();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives an overview that matches counts computed from the tables', async () => {
    const res = await get('/api/v1/admin/stats/overview');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      users: { total: number; newPerDay: { value: number }[] };
      conversations: { total: number; last30d: number };
      messages: { total: number };
      tokens: { prompt30d: number; completion30d: number };
      agentsInUse30d: number;
      signIns: { total: number };
    };
    const [direct] = await sql<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM users) AS users,
              (SELECT count(*)::int FROM conversations) AS conversations,
              (SELECT count(*)::int FROM messages) AS messages,
              (SELECT sum(prompt_tokens)::int FROM messages) AS prompt,
              (SELECT sum(completion_tokens)::int FROM messages) AS completion,
              (SELECT count(*)::int FROM auth_sessions) AS sessions`,
    );
    expect(body.users.total).toBe(direct.users);
    expect(body.users.newPerDay.reduce((n, p) => n + p.value, 0)).toBe(direct.users);
    expect(body.conversations).toEqual({
      total: direct.conversations,
      last30d: direct.conversations,
    });
    expect(body.messages.total).toBe(direct.messages);
    expect(body.tokens).toEqual({ prompt30d: direct.prompt, completion30d: direct.completion });
    expect(body.agentsInUse30d).toBe(2);
    expect(body.signIns.total).toBe(direct.sessions);
  });

  it('adds the sections of connections, migrations and analysis, counted from their tables', async () => {
    const [org] = await sql<{ id: string }>(
      `INSERT INTO organizations (name) VALUES ('Stats org') RETURNING id`,
    );
    for (const [status, n] of [
      ['active', 2],
      ['error', 1],
    ] as const) {
      for (let i = 0; i < n; i++) {
        await sql(
          `INSERT INTO service_connections (id, organization_id, service, name, status, created_by)
           VALUES (gen_random_uuid(), $1, 'github', $2, $3, $4)`,
          [org.id, `c-${status}-${i}`, status, user.id],
        );
      }
    }
    await sql(`INSERT INTO orchestrator_executions (scope, status, concurrency, on_error, executed_by, catalog)
       SELECT 'all', 'completed', 1, 'stop', 'stats test', '{}'::jsonb FROM generate_series(1, 2)`);
    // past the overview's cache (STATS_CACHE_TTL_MS=1500 here)
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const res = await get('/api/v1/admin/stats/overview');
    const body = (await res.json()) as {
      sections: { name: string; figures: Record<string, number> }[];
    };
    const section = (name: string) => body.sections.find((x) => x.name === name)?.figures;
    expect(section('connections')).toMatchObject({
      total: 3,
      active: 2,
      error: 1,
      pending: 0,
      revoked: 0,
    });
    const [{ n: completed }] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM orchestrator_executions WHERE status = 'completed'`,
    );
    expect(section('migrations')).toMatchObject({
      executionsCompleted: completed,
      executionsFailed: 0,
    });
    expect(section('analysis')).toMatchObject({ repositories: expect.any(Number) });
    // the user's detail counts the connections they made
    const detail = (await (await get(`/api/v1/admin/users/${user.id}`)).json()) as {
      counts: Record<string, number>;
    };
    expect(detail.counts.connections).toBe(3);
  });

  it('serves a daily series equal to a GROUP BY over the raw rows, and hourly and weekly ones', async () => {
    const from = dayStart(-6).toISOString();
    const to = dayStart(1).toISOString();
    const res = await get(
      `/api/v1/admin/stats/series?metric=messages.created&from=${from}&to=${to}`,
    );
    expect(res.status).toBe(200);
    const series = (await res.json()) as Series;
    expect(series.points).toHaveLength(7);
    const grouped = await sql<{ day: string; n: number }>(
      `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*)::int AS n
         FROM messages GROUP BY 1`,
    );
    const expected = new Map(grouped.map((g) => [g.day, g.n]));
    for (const p of series.points) expect(p.value).toBe(expected.get(p.at.slice(0, 10)) ?? 0);

    const hourly = (await (
      await get(
        `/api/v1/admin/stats/series?metric=conversations.created&granularity=hour&from=${dayStart(-1).toISOString()}&to=${dayStart(0).toISOString()}`,
      )
    ).json()) as Series;
    expect(hourly.points).toHaveLength(24);
    expect(hourly.points.filter((p) => p.value > 0).map((p) => p.at.slice(11, 13))).toEqual([
      '01',
      '02',
      '03',
    ]);
    const weekly = await get(
      `/api/v1/admin/stats/series?metric=tokens.completion&granularity=week`,
    );
    expect(weekly.status).toBe(200);
    const total = ((await weekly.json()) as Series).points.reduce((n, p) => n + p.value, 0);
    expect(total).toBe(6 * 25);
  });

  it('refuses unknown metrics, bad granularity and ranges too large for it', async () => {
    for (const [query, code] of [
      ['metric=nope', 'ADMIN_UNKNOWN_METRIC'],
      ['metric=messages.created&granularity=minute', 'VALIDATION_FAILED'],
      ['metric=users.active&granularity=hour', 'ADMIN_UNSUPPORTED_GRANULARITY'],
      [
        'metric=messages.created&granularity=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z',
        'ADMIN_RANGE_TOO_LARGE',
      ],
      [
        'metric=messages.created&from=2026-03-01T00:00:00Z&to=2026-01-01T00:00:00Z',
        'ADMIN_INVALID_RANGE',
      ],
      ['metric=messages.created&from=last-week', 'VALIDATION_FAILED'],
      ['metric=messages.created&bucket=day', 'VALIDATION_FAILED'],
    ] as const) {
      const res = await get(`/api/v1/admin/stats/series?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(((await res.json()) as { code: string }).code).toBe(code);
    }
  });

  it('answers 304 for a matching ETag, but only after authorization', async () => {
    const first = await get('/api/v1/admin/stats/overview');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await get('/api/v1/admin/stats/overview', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    const stranger = await t.request('/api/v1/admin/stats/overview', {
      headers: { ...user.auth, 'if-none-match': etag },
    });
    expect(stranger.status).toBe(403);
    expect(
      (await t.request('/api/v1/admin/stats/overview', { headers: { 'if-none-match': etag } }))
        .status,
    ).toBe(401);
  });

  it('caches answers for STATS_CACHE_TTL_MS, then shows new figures from the rollup', async () => {
    const before = (await (await get('/api/v1/admin/stats/overview')).json()) as {
      conversations: { total: number };
    };
    await sql(`INSERT INTO conversations (user_id, agent_id) VALUES ($1, $2)`, [
      user.id,
      assistant,
    ]);
    await t.app.get(StatsRollup).run();
    const cached = (await (await get('/api/v1/admin/stats/overview')).json()) as typeof before;
    expect(cached.conversations.total).toBe(before.conversations.total);
    await new Promise((r) => setTimeout(r, 1_600));
    const fresh = (await (await get('/api/v1/admin/stats/overview')).json()) as typeof before;
    expect(fresh.conversations.total).toBe(before.conversations.total + 1);
  });

  it('gives agent analytics: usage per agent per day, top users, premium share, limit hits', async () => {
    // a second user has used today's one message: the next one is refused
    const heavy = await newUser(t);
    const [conversation] = await sql<{ id: string }>(
      `INSERT INTO conversations (user_id, agent_id) VALUES ($1, $2) RETURNING id`,
      [heavy.id, assistant],
    );
    await sql(`INSERT INTO usage_daily (user_id, agent_id, day, messages) VALUES ($1, $2, $3, 1)`, [
      heavy.id,
      assistant,
      dayStart(0).toISOString().slice(0, 10),
    ]);
    const refused = await t.request(
      `/api/v1/conversations/${conversation.id}/chat`,
      jsonBody({ content: 'one more?' }, heavy.auth),
    );
    expect(refused.status).toBe(429);
    const deadline = Date.now() + 10_000;
    let body: {
      usagePerAgentPerDay: { slug: string; messages: number }[];
      topUsers: { userId: string; messages: number }[];
      premiumShare: number;
      dailyLimitHits: number;
    };
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_600)); // past the cache
      const res = await get('/api/v1/admin/stats/agents');
      expect(res.status).toBe(200);
      body = (await res.json()) as typeof body;
      if (body.dailyLimitHits === 1 || Date.now() > deadline) break;
    }
    expect(body.dailyLimitHits).toBe(1);
    expect(body.usagePerAgentPerDay.map((u) => [u.slug, u.messages])).toEqual([
      ['analyst', 2],
      ['assistant', 6],
      ['assistant', 1],
    ]);
    expect(body.topUsers).toEqual([
      { userId: user.id, email: user.email, messages: 8 },
      { userId: heavy.id, email: heavy.email, messages: 1 },
    ]);
    expect(body.premiumShare).toBeCloseTo(2 / 9);
  });
});
