import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { OpenAiMock } from '../support/openai-mock.js';
import { readSse, type SseEvent } from '../support/sse.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, testServerUrl, type TestApp } from '../setup/test-app.js';
import { createDatabaseFromTemplate, dropDatabase, withDatabase } from '../setup/test-database.js';

interface Msg {
  id: string;
  role: string;
  content: string;
  status: string;
  promptTokens: number | null;
  completionTokens: number | null;
  errorCode: string | null;
  model: string | null;
}

const SEED = JSON.stringify([
  {
    slug: 'ok',
    name: 'OK',
    systemPrompt: 'You are OK bot.',
    provider: 'openai',
    model: 'mock-ok',
    maxTokens: 64,
  },
  {
    slug: 'broken',
    name: 'Broken',
    systemPrompt: 'S',
    provider: 'openai',
    model: 'mock-midstream-error',
  },
  { slug: 'stall', name: 'Stall', systemPrompt: 'S', provider: 'openai', model: 'mock-stall' },
  { slug: 'fails', name: 'Fails', systemPrompt: 'S', provider: 'openai', model: 'mock-500' },
  {
    slug: 'vip',
    name: 'VIP',
    systemPrompt: 'S',
    provider: 'openai',
    model: 'mock-ok',
    premium: true,
  },
  { slug: 'local', name: 'Local', systemPrompt: 'S', provider: 'local' },
  { slug: 'default-model', name: 'Default model', systemPrompt: 'S', provider: 'openai' },
]);

async function agentId(t: TestApp, user: TestUser, slug: string): Promise<string> {
  const res = await t.request(`/api/v1/agents/${slug}`, { headers: user.auth });
  return ((await res.json()) as { id: string }).id;
}

async function newConversation(
  t: TestApp,
  user: TestUser,
  slug: string,
  title?: string,
): Promise<string> {
  const res = await t.request(
    '/api/v1/conversations',
    jsonBody({ agentId: await agentId(t, user, slug), ...(title ? { title } : {}) }, user.auth),
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const chat = (
  t: TestApp,
  user: TestUser,
  conversationId: string,
  content: string,
  init: RequestInit = {},
) =>
  t.request(`/api/v1/conversations/${conversationId}/chat`, {
    ...jsonBody({ content }, { ...user.auth, accept: 'text/event-stream' }),
    ...init,
  });

async function messages(t: TestApp, user: TestUser, conversationId: string): Promise<Msg[]> {
  const res = await t.request(`/api/v1/conversations/${conversationId}/messages?limit=100`, {
    headers: user.auth,
  });
  return ((await res.json()) as { items: Msg[] }).items;
}

async function waitFor<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Reads the whole stream, running `action` once when the first delta arrives. */
async function readSseWith(res: Response, action: () => Promise<void>): Promise<SseEvent[]> {
  let pending: Promise<void> | undefined;
  const { events } = await readSse(res, (e) => {
    if (e.event === 'delta' && !pending) pending = action();
    return false;
  });
  await pending;
  return events;
}

describe('chat over SSE against an OpenAI-compatible server', () => {
  let llm: OpenAiMock;
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    llm = await new OpenAiMock().start();
    t = await startTestApp({
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: 'sk-test-key',
      LLM_MODEL: 'mock-default',
      AGENTS_SEED: SEED,
      LLM_IDLE_TIMEOUT_MS: '1000',
      CHAT_HEARTBEAT_MS: '1000',
      CHAT_MAX_STREAMS_PER_USER: '50',
    });
    user = await newUser(t);
  });
  afterAll(async () => {
    await t.close();
    await llm.stop();
  });

  it('streams the saved user message, deltas in order, then the saved assistant message', async () => {
    const conversationId = await newConversation(t, user, 'ok');
    const res = await chat(t, user, conversationId, 'Hello there');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const { events } = await readSse(res);
    expect(events[0].event).toBe('user-message');
    expect(events[0].data).toMatchObject({
      role: 'user',
      content: 'Hello there',
      status: 'complete',
    });
    const deltas = events
      .filter((e) => e.event === 'delta')
      .map((e) => (e.data as { text: string }).text);
    expect(deltas).toEqual(['w0 ', 'w1 ', 'w2 ', 'w3 ', 'w4 ']);
    const final = events[events.length - 1];
    expect(final.event).toBe('message');
    expect(final.data).toMatchObject({
      role: 'assistant',
      content: 'w0 w1 w2 w3 w4 ',
      status: 'complete',
      promptTokens: 42,
      completionTokens: 5,
      finishReason: 'stop',
      model: 'mock-ok',
    });
    const request = llm.requests[llm.requests.length - 1];
    expect(request.authorization).toBe('Bearer sk-test-key');
    expect(request.body.stream).toBe(true);
    expect(request.body.messages[0]).toEqual({ role: 'system', content: 'You are OK bot.' });
    expect(request.body.messages[request.body.messages.length - 1]).toEqual({
      role: 'user',
      content: 'Hello there',
    });
    const saved = await messages(t, user, conversationId);
    expect(saved.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
  });

  it('sends the history as context and titles the conversation after the first exchange', async () => {
    const conversationId = await newConversation(t, user, 'ok');
    await readSse(await chat(t, user, conversationId, 'First question'));
    const titled = await waitFor(
      async () =>
        (
          (await (
            await t.request(`/api/v1/conversations/${conversationId}`, { headers: user.auth })
          ).json()) as { title: string | null }
        ).title,
      (title) => title !== null,
    );
    expect(titled).toBe('Mock Title About Things');
    await readSse(await chat(t, user, conversationId, 'Second question'));
    const sent = llm.requests
      .filter((r) => !r.body.messages[0].content.startsWith('Write a short title'))
      .pop()!;
    expect(sent.body.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sent.body.messages[1].content).toBe('First question');
  });

  it('never overwrites a title the user set', async () => {
    const conversationId = await newConversation(t, user, 'ok', 'My own title');
    await readSse(await chat(t, user, conversationId, 'Hi'));
    await new Promise((r) => setTimeout(r, 300));
    const conv = (await (
      await t.request(`/api/v1/conversations/${conversationId}`, { headers: user.auth })
    ).json()) as { title: string };
    expect(conv.title).toBe('My own title');
  });

  it('returns the finished exchange in one JSON response with Accept: application/json', async () => {
    const conversationId = await newConversation(t, user, 'ok');
    const res = await t.request(
      `/api/v1/conversations/${conversationId}/chat`,
      jsonBody({ content: 'json please' }, { ...user.auth, accept: 'application/json' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { userMessage: Msg; message: Msg; finishReason: string };
    expect(body.userMessage.content).toBe('json please');
    expect(body.message).toMatchObject({
      status: 'complete',
      content: 'w0 w1 w2 w3 w4 ',
      completionTokens: 5,
    });
    expect(body.finishReason).toBe('stop');
  });

  it('saves the partial answer as error and sends an error event when the provider fails mid-stream', async () => {
    const conversationId = await newConversation(t, user, 'broken');
    const { events } = await readSse(await chat(t, user, conversationId, 'break please'));
    const last = events[events.length - 1];
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({
      code: 'PROVIDER_ERROR',
      partial: { status: 'error', content: 'w0 w1 w2 ' },
    });
    const saved = await messages(t, user, conversationId);
    expect(saved[1]).toMatchObject({
      status: 'error',
      content: 'w0 w1 w2 ',
      errorCode: 'PROVIDER_ERROR',
    });
  });

  it('answers a provider HTTP error with an error event and nothing hangs', async () => {
    const conversationId = await newConversation(t, user, 'fails');
    const { events } = await readSse(await chat(t, user, conversationId, 'x'));
    expect(events[events.length - 1].event).toBe('error');
    expect((await messages(t, user, conversationId))[1].status).toBe('error');
  });

  it('times out a stalled stream and closes the upstream request', async () => {
    const conversationId = await newConversation(t, user, 'stall');
    const before = llm.requests.length;
    const { events } = await readSse(await chat(t, user, conversationId, 'stall please'));
    const last = events[events.length - 1];
    expect(last.data).toMatchObject({
      code: 'PROVIDER_TIMEOUT',
      partial: { status: 'error', content: 'w0 ' },
    });
    const upstream = llm.requests[before];
    await waitFor(
      async () => upstream.closedByClient,
      (v) => v,
    );
    expect(upstream.closedByClient).toBe(true);
  });

  it('sends heartbeats while the answer is slow to come', async () => {
    llm.intervalMs = 700;
    llm.deltas = 4;
    try {
      const conversationId = await newConversation(t, user, 'ok');
      const { events, comments } = await readSse(await chat(t, user, conversationId, 'slowly'));
      expect(comments.filter((c) => c === 'ping').length).toBeGreaterThanOrEqual(1);
      expect(events[events.length - 1].event).toBe('message');
    } finally {
      llm.intervalMs = 5;
      llm.deltas = 5;
    }
  });

  it('aborts the upstream request at once when the client disconnects and saves the partial answer as aborted', async () => {
    llm.intervalMs = 200;
    llm.deltas = 30;
    try {
      const conversationId = await newConversation(t, user, 'ok');
      const controller = new AbortController();
      const before = llm.requests.length;
      const res = await chat(t, user, conversationId, 'long answer please', {
        signal: controller.signal,
      });
      await readSse(res, (e) => e.event === 'delta').catch(() => undefined);
      controller.abort();
      const upstream = await waitFor(
        async () => llm.requests[before],
        (r) => r.closedByClient,
        3000,
      );
      expect(upstream.closedByClient).toBe(true);
      const saved = await waitFor(
        () => messages(t, user, conversationId),
        (m) => m[1]?.status === 'aborted',
      );
      expect(saved[1]).toMatchObject({ status: 'aborted', errorCode: 'GENERATION_ABORTED' });
      expect(saved[1].content.startsWith('w0 ')).toBe(true);
    } finally {
      llm.intervalMs = 5;
      llm.deltas = 5;
    }
  });

  it('allows one generation at a time per conversation (409)', async () => {
    llm.intervalMs = 100;
    llm.deltas = 10;
    try {
      const conversationId = await newConversation(t, user, 'ok');
      const first = await chat(t, user, conversationId, 'one');
      const second = await chat(t, user, conversationId, 'two');
      expect(second.status).toBe(409);
      expect(((await second.json()) as { code: string }).code).toBe('CHAT_IN_PROGRESS');
      await readSse(first);
      const third = await chat(t, user, conversationId, 'three');
      expect(third.status).toBe(200);
      await readSse(third);
    } finally {
      llm.intervalMs = 5;
      llm.deltas = 5;
    }
  });

  it('lets exactly one of simultaneous requests generate in a conversation (409 for the others)', async () => {
    llm.intervalMs = 50;
    llm.deltas = 10;
    try {
      const conversationId = await newConversation(t, user, 'ok');
      const all = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((content) => chat(t, user, conversationId, content)),
      );
      const started = all.filter((r) => r.status === 200);
      expect(started).toHaveLength(1);
      for (const refused of all.filter((r) => r.status !== 200)) {
        expect(refused.status).toBe(409);
        expect(((await refused.json()) as { code: string }).code).toBe('CHAT_IN_PROGRESS');
      }
      await readSse(started[0]);
      expect((await messages(t, user, conversationId)).map((m) => m.status)).toEqual([
        'complete',
        'complete',
      ]);
    } finally {
      llm.intervalMs = 5;
      llm.deltas = 5;
    }
  });

  it('keeps at most one streaming message per conversation in the database itself', async () => {
    const conversationId = await newConversation(t, user, 'ok');
    const db = t.app.get(DataSource);
    const insert = () =>
      db.query(
        `INSERT INTO messages (conversation_id, role, content, status) VALUES ($1, 'assistant', '', 'streaming')`,
        [conversationId],
      );
    await insert();
    await expect(insert()).rejects.toMatchObject({ code: '23505' });
  });

  it('retires a generation left streaming by a process that died, and answers with the whole history', async () => {
    const conversationId = await newConversation(t, user, 'ok');
    for (const [role, content] of [
      ['user', 'Earlier question'],
      ['assistant', 'Earlier answer'],
    ]) {
      const res = await t.request(
        `/api/v1/conversations/${conversationId}/messages`,
        jsonBody({ role, content }, user.auth),
      );
      expect(res.status).toBe(201);
    }
    // A placeholder older than LLM_TIMEOUT_MS + 60 s, as a crashed process leaves it.
    const db = t.app.get(DataSource);
    const [stale] = await db.query<{ id: string }[]>(
      `INSERT INTO messages (conversation_id, role, content, status, created_at)
       VALUES ($1, 'assistant', '', 'streaming', now() - interval '10 minutes') RETURNING id`,
      [conversationId],
    );
    const before = llm.requests.length;
    const { events } = await readSse(await chat(t, user, conversationId, 'New question'));
    expect(events[events.length - 1].event).toBe('message');
    const saved = await messages(t, user, conversationId);
    expect(saved.find((m) => m.id === stale.id)).toMatchObject({
      status: 'error',
      errorCode: 'INTERRUPTED',
    });
    expect(llm.requests[before].body.messages).toEqual([
      { role: 'system', content: 'You are OK bot.' },
      { role: 'user', content: 'Earlier question' },
      { role: 'assistant', content: 'Earlier answer' },
      { role: 'user', content: 'New question' },
    ]);
  });

  it('applies the agent rules at the moment of the chat: grants, their revocation, the premium role, disabling', async () => {
    const admin = await newUser(t, { roles: ['admin'] });
    const created = await t.request(
      '/api/v1/admin/agents',
      jsonBody(
        {
          slug: 'vip-rules',
          name: 'VIP rules',
          systemPrompt: 'S',
          provider: 'openai',
          model: 'mock-ok',
          premium: true,
        },
        admin.auth,
      ),
    );
    expect(created.status).toBe(201);
    const agent = (await created.json()) as { id: string };
    const grantee = await newUser(t);
    const grant = `/api/v1/admin/agents/${agent.id}/grants/${grantee.id}`;
    expect((await t.request(grant, jsonBody({}, admin.auth, 'PUT'))).status).toBe(200);
    const granted = await newConversation(t, grantee, 'vip-rules');
    const { events } = await readSse(await chat(t, grantee, granted, 'with a grant'));
    expect(events[events.length - 1].event).toBe('message');

    expect((await t.request(grant, { method: 'DELETE', headers: admin.auth })).status).toBe(204);
    const revoked = await chat(t, grantee, granted, 'without it');
    expect(revoked.status).toBe(403);
    expect(((await revoked.json()) as { code: string }).code).toBe('AGENT_PREMIUM_REQUIRED');
    expect(await messages(t, grantee, granted)).toHaveLength(2);

    const premium = await newUser(t, { roles: ['premium'] });
    const byRole = await newConversation(t, premium, 'vip-rules');
    const answered = await readSse(await chat(t, premium, byRole, 'by role'));
    expect(answered.events[answered.events.length - 1].event).toBe('message');

    const disabling = await t.request(`/api/v1/admin/agents/${agent.id}/disable`, {
      method: 'POST',
      headers: admin.auth,
    });
    expect(disabling.status).toBe(200);
    const disabled = await chat(t, premium, byRole, 'disabled now');
    expect(disabled.status).toBe(403);
    expect(((await disabled.json()) as { code: string }).code).toBe('AGENT_DISABLED');
    expect(await messages(t, premium, byRole)).toHaveLength(2);
  });

  it("counts the answer in the caller's usage of the agent", async () => {
    const own = await newUser(t);
    const conversationId = await newConversation(t, own, 'ok');
    await readSse(await chat(t, own, conversationId, 'count me'));
    const usage = (await (await t.request('/api/v1/usage/me', { headers: own.auth })).json()) as {
      rows: {
        agentSlug: string;
        messages: number;
        promptTokens: number;
        completionTokens: number;
      }[];
    };
    expect(usage.rows).toEqual([
      expect.objectContaining({
        agentSlug: 'ok',
        messages: 1,
        promptTokens: 42,
        completionTokens: 5,
      }),
    ]);
  });

  it('saves and counts every answer when many end at once', async () => {
    const own = await newUser(t);
    const ids = await Promise.all(Array.from({ length: 20 }, () => newConversation(t, own, 'ok')));
    const streams = await Promise.all(ids.map((id, i) => chat(t, own, id, `question ${i}`)));
    const ends = await Promise.all(streams.map(async (res) => (await readSse(res)).events.pop()));
    expect(ends.map((e) => e?.event)).toEqual(ids.map(() => 'message'));
    for (const id of ids) {
      expect((await messages(t, own, id)).map((m) => m.status)).toEqual(['complete', 'complete']);
    }
    const usage = (await (await t.request('/api/v1/usage/me', { headers: own.auth })).json()) as {
      totals: { messages: number; promptTokens: number; completionTokens: number };
    };
    expect(usage.totals).toEqual({ messages: 20, promptTokens: 20 * 42, completionTokens: 20 * 5 });
  });

  it("runs an agent that names no model with the deployment's (LLM_MODEL)", async () => {
    const conversationId = await newConversation(t, user, 'default-model');
    const before = llm.requests.length;
    const { events } = await readSse(await chat(t, user, conversationId, 'which model?'));
    expect(events[0].event).toBe('user-message');
    expect(events[events.length - 1].data).toMatchObject({ model: 'mock-default' });
    expect(llm.requests[before].body.model).toBe('mock-default');
  });

  it('ends the stream with an error event when the conversation is deleted while answering', async () => {
    llm.intervalMs = 100;
    llm.deltas = 10;
    try {
      const conversationId = await newConversation(t, user, 'ok');
      const res = await chat(t, user, conversationId, 'answer slowly');
      const events = await readSseWith(res, async () => {
        const deleted = await t.request(`/api/v1/conversations/${conversationId}`, {
          method: 'DELETE',
          headers: user.auth,
        });
        expect(deleted.status).toBe(204);
      });
      expect(events[events.length - 1]).toMatchObject({
        event: 'error',
        data: { code: 'MESSAGE_NOT_FOUND', partial: { status: 'streaming' } },
      });
    } finally {
      llm.intervalMs = 5;
      llm.deltas = 5;
    }
  });

  it('refuses premium agents without the role, and conversations of others (404)', async () => {
    const admin = await newUser(t, { roles: ['premium'] });
    const vip = await newConversation(t, admin, 'vip');
    const other = await chat(t, user, vip, 'mine?');
    expect(other.status).toBe(404);
    const res = await t.request(
      '/api/v1/conversations',
      jsonBody({ agentId: await agentId(t, user, 'vip') }, user.auth),
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('AGENT_PREMIUM_REQUIRED');
    expect(
      (await t.request(`/api/v1/conversations/${vip}/chat`, jsonBody({ content: 'x' }))).status,
    ).toBe(401);
  });

  it('validates the message', async () => {
    const conversationId = await newConversation(t, user, 'ok');
    expect((await chat(t, user, conversationId, '')).status).toBe(400);
    expect((await chat(t, user, 'not-a-uuid', 'x')).status).toBe(400);
  });
});

describe('chat limits and the local development agent', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CHAT_DAILY_LIMITS: '{"default":2}', CHAT_MAX_STREAMS_PER_USER: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers with the labelled local development agent when no LLM is configured', async () => {
    const user = await newUser(t);
    const conversationId = await newConversation(t, user, 'assistant');
    const { events } = await readSse(await chat(t, user, conversationId, 'ping pong'));
    const final = events[events.length - 1];
    expect(final.event).toBe('message');
    const content = (final.data as Msg).content;
    expect(content).toContain('local development agent');
    expect(content).toContain('ping pong');
    expect((final.data as Msg).model).toBe('meridian-local-dev');
  });

  it('caps concurrent streams per user (429)', async () => {
    const user = await newUser(t);
    const a = await newConversation(t, user, 'assistant');
    const b = await newConversation(t, user, 'assistant');
    const first = await chat(t, user, a, 'first');
    const second = await chat(t, user, b, 'second');
    expect(second.status).toBe(429);
    expect(((await second.json()) as { code: string }).code).toBe('TOO_MANY_STREAMS');
    await readSse(first);
  });

  it('refuses a chat past the daily limit with 429 and Retry-After before generating', async () => {
    const user = await newUser(t);
    const conversationId = await newConversation(t, user, 'assistant');
    await readSse(await chat(t, user, conversationId, 'one'));
    await readSse(await chat(t, user, conversationId, 'two'));
    const res = await chat(t, user, conversationId, 'three');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await messages(t, user, conversationId)).length).toBe(4);
  });

  it('ends open streams cleanly at shutdown and saves them as aborted', async () => {
    const local = await startTestApp({});
    const user = await newUser(local);
    const conversationId = await newConversation(local, user, 'assistant');
    const res = await chat(local, user, conversationId, 'x '.repeat(2000));
    const reading = readSse(res);
    await new Promise((r) => setTimeout(r, 200));
    const closing = local.app.close();
    const { events } = await reading;
    await closing;
    const last = events[events.length - 1];
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({
      code: 'SERVER_SHUTTING_DOWN',
      partial: { status: 'aborted' },
    });
    await local.close({ appClosed: true });
  });
});

describe('chat while PostgreSQL goes away', () => {
  const serverUrl = testServerUrl();
  let databaseName: string;
  let proxy: TcpProxy;
  let llm: OpenAiMock;
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    llm = await new OpenAiMock().start();
    databaseName = await createDatabaseFromTemplate(serverUrl, process.env.MERIDIAN_TEST_TEMPLATE!);
    proxy = TcpProxy.forUrl(serverUrl, 5432);
    await proxy.start();
    t = await startTestApp({
      DATABASE_URL: proxy.rewrite(withDatabase(serverUrl, databaseName)),
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      LLM_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'mock-ok',
      AGENTS_SEED: SEED,
    });
    user = await newUser(t);
  });
  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.stop();
    await dropDatabase(serverUrl, databaseName);
    await llm.stop();
  });

  it('ends the stream with a DATABASE_UNAVAILABLE error event when the answer cannot be saved', async () => {
    llm.intervalMs = 100;
    llm.deltas = 10;
    const conversationId = await newConversation(t, user, 'ok');
    const res = await chat(t, user, conversationId, 'answer slowly');
    expect(res.status).toBe(200);
    const events = await readSseWith(res, () => proxy.cut());
    // Every delta arrived; the end could not be saved, and the stream says so.
    expect(events.filter((e) => e.event === 'delta')).toHaveLength(10);
    expect(events[events.length - 1]).toMatchObject({
      event: 'error',
      data: { code: 'DATABASE_UNAVAILABLE', partial: { status: 'streaming' } },
    });
    await proxy.restore();
  });

  it('saves a complete answer when the database comes back within seconds of its end', async () => {
    llm.intervalMs = 100;
    llm.deltas = 10;
    const conversationId = await newConversation(t, user, 'ok');
    const res = await chat(t, user, conversationId, 'answer slowly');
    // The provider ends 100 ms after its last delta: the end is written while cut.
    let outage: Promise<void> | undefined;
    let deltas = 0;
    const { events } = await readSse(res, (e) => {
      if (e.event === 'delta' && ++deltas === 10) {
        outage = proxy
          .cut()
          .then(() => new Promise((r) => setTimeout(r, 300)))
          .then(() => proxy.restore());
      }
      return false;
    });
    await outage;
    expect(events[events.length - 1]).toMatchObject({
      event: 'message',
      data: { status: 'complete', content: 'w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 ' },
    });
    expect((await messages(t, user, conversationId)).map((m) => m.status)).toEqual([
      'complete',
      'complete',
    ]);
  });
});
