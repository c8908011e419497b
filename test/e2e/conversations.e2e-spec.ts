import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ConversationsService } from '../../src/conversations/conversations.service.js';
import { MessageRole, MessageStatus } from '../../src/conversations/message.entity.js';
import { MessagesService } from '../../src/conversations/messages.service.js';
import { QueueProducer } from '../../src/queue/queue-producer.service.js';
import { JobName, QueueName } from '../../src/queue/queue.constants.js';
import { UserDeletionHooks } from '../../src/users/user-deletion-hooks.js';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface Conversation {
  id: string;
  agentId: string;
  title: string | null;
  titleSource: 'user' | 'system' | null;
  messageCount: number;
  lastMessageAt: string | null;
  lastActivityAt: string;
  createdAt: string;
  updatedAt: string;
}

interface Message {
  id: string;
  conversationId: string;
  role: string;
  content: string;
  status: string;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  errorCode: string | null;
  createdAt: string;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface Problem {
  status: number;
  code: string;
  errors?: { field: string; rule: string }[];
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOUR = 3600_000;

const SEED = [
  { slug: 'assistant', name: 'Assistant', systemPrompt: 'Be helpful.', provider: 'local' },
  { slug: 'helper', name: 'Helper', systemPrompt: 'Be brief.', provider: 'local' },
  { slug: 'vip', name: 'VIP', systemPrompt: 'Be deep.', provider: 'local', premium: true },
];

async function waitForState(queue: Queue, id: string, timeoutMs = 15_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : undefined;
    if (job && state === 'completed') return job;
    if (state === 'failed') throw new Error(`job ${id} failed: ${job?.failedReason}`);
    if (Date.now() > deadline) throw new Error(`job ${id} did not complete in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('conversations', () => {
  let t: TestApp;
  let sql: <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
  const agent: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ AGENTS_SEED: JSON.stringify(SEED) });
    const ds = t.app.get(DataSource);
    sql = (query, params = []) => ds.query(query, params);
    const viewer = await newUser(t);
    const res = await t.request('/api/v1/agents?limit=100', { headers: viewer.auth });
    expect(res.status).toBe(200);
    for (const a of ((await res.json()) as Page<{ id: string; slug: string }>).items)
      agent[a.slug] = a.id;
    expect(Object.keys(agent).sort()).toEqual(['assistant', 'helper', 'vip']);
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (user: TestUser, method: string, path: string, body?: unknown) =>
    t.request(
      `/api/v1${path}`,
      body === undefined ? { method, headers: user.auth } : jsonBody(body, user.auth, method),
    );

  async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
    const body = (await res.json()) as Problem;
    expect({ status: res.status, code: body.code }).toEqual({ status, code });
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    return body;
  }

  async function create(
    user: TestUser,
    body: { agentId?: string; title?: string } = {},
  ): Promise<Conversation> {
    const res = await call(user, 'POST', '/conversations', { agentId: agent.assistant, ...body });
    expect(res.status).toBe(201);
    return (await res.json()) as Conversation;
  }

  async function get(user: TestUser, id: string): Promise<Conversation> {
    const res = await call(user, 'GET', `/conversations/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Conversation;
  }

  async function addMessage(
    user: TestUser,
    id: string,
    content = 'hello',
    role = 'user',
  ): Promise<Message> {
    const res = await call(user, 'POST', `/conversations/${id}/messages`, { role, content });
    expect(res.status).toBe(201);
    return (await res.json()) as Message;
  }

  async function list<T>(user: TestUser, path: string): Promise<Page<T>> {
    const res = await call(user, 'GET', path);
    expect(res.status).toBe(200);
    return (await res.json()) as Page<T>;
  }

  /** Every item of a paged listing, following nextCursor with `limit`. */
  async function all<T>(user: TestUser, path: string, limit: number): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    const sep = path.includes('?') ? '&' : '?';
    do {
      const page: Page<T> = await list<T>(
        user,
        `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  const ids = (items: { id: string }[]) => items.map((i) => i.id);

  async function countRows(conversationId: string) {
    const [row] = await sql<{ conversations: number; messages: number }>(
      `SELECT (SELECT count(*) FROM conversations WHERE id = $1)::int AS conversations,
              (SELECT count(*) FROM messages WHERE conversation_id = $1)::int AS messages`,
      [conversationId],
    );
    return row;
  }

  /** Moves the conversation's creation and activity `hoursAgo` into the past. */
  async function age(conversationId: string, hoursAgo: number): Promise<void> {
    await sql(
      `UPDATE conversations
          SET created_at = now() - make_interval(hours => $2),
              last_activity_at = now() - make_interval(hours => $2)
        WHERE id = $1`,
      [conversationId, hoursAgo],
    );
  }

  describe('create and read', () => {
    it('creates an empty conversation with an agent, without a title', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      expect(conversation).toEqual({
        id: expect.stringMatching(UUID),
        agentId: agent.assistant,
        title: null,
        titleSource: null,
        messageCount: 0,
        lastMessageAt: null,
        lastActivityAt: conversation.createdAt,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect(await get(user, conversation.id)).toEqual(conversation);
    });

    it("takes a given title as the user's, trimmed", async () => {
      const user = await newUser(t);
      const conversation = await create(user, { title: '  Trip to Lisbon  ' });
      expect(conversation).toMatchObject({ title: 'Trip to Lisbon', titleSource: 'user' });
      expect(await t.app.get(ConversationsService).setSystemTitle(conversation.id, 'Auto')).toBe(
        false,
      );
      expect((await get(user, conversation.id)).title).toBe('Trip to Lisbon');
    });

    it('accepts a 200-character title and rejects bad input', async () => {
      const user = await newUser(t);
      await create(user, { title: 'x'.repeat(200) });
      for (const body of [
        {},
        { agentId: 'assistant' },
        { agentId: agent.assistant, title: '' },
        { agentId: agent.assistant, title: '   ' },
        { agentId: agent.assistant, title: 'x'.repeat(201) },
        { agentId: agent.assistant, title: 7 },
        { agentId: agent.assistant, pinned: true },
      ]) {
        await expectProblem(
          await call(user, 'POST', '/conversations', body),
          400,
          'VALIDATION_FAILED',
        );
      }
    });

    it('checks that the agent exists and that the caller may use it', async () => {
      const user = await newUser(t);
      await expectProblem(
        await call(user, 'POST', '/conversations', { agentId: randomUUID() }),
        404,
        'AGENT_NOT_FOUND',
      );
      await expectProblem(
        await call(user, 'POST', '/conversations', { agentId: agent.vip }),
        403,
        'AGENT_PREMIUM_REQUIRED',
      );
      const premium = await newUser(t, { roles: ['premium'] });
      expect((await create(premium, { agentId: agent.vip })).agentId).toBe(agent.vip);
      expect(await list(user, '/conversations')).toEqual({ items: [], nextCursor: null });
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      const user = await newUser(t);
      await expectProblem(
        await call(user, 'GET', `/conversations/${randomUUID()}`),
        404,
        'CONVERSATION_NOT_FOUND',
      );
      await expectProblem(
        await call(user, 'GET', '/conversations/not-a-uuid'),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('needs a bearer token', async () => {
      for (const [method, path] of [
        ['GET', '/api/v1/conversations'],
        ['POST', `/api/v1/agents/${agent.assistant}/conversations/fresh`],
        ['GET', `/api/v1/conversations/${randomUUID()}/messages`],
      ]) {
        expect((await t.request(path, { method })).status).toBe(401);
      }
    });
  });

  describe('ownership', () => {
    it("answers 404 CONVERSATION_NOT_FOUND on every route for someone else's conversation, changing nothing", async () => {
      const owner = await newUser(t);
      const other = await newUser(t);
      const conversation = await create(owner, { title: 'Mine' });
      await addMessage(owner, conversation.id, 'secret');
      const id = conversation.id;

      const attempts: [string, string, unknown?][] = [
        ['GET', `/conversations/${id}`],
        ['PATCH', `/conversations/${id}`, { title: 'Theirs' }],
        ['PUT', `/conversations/${id}`, { title: 'Theirs' }],
        ['GET', `/conversations/${id}/messages`],
        ['POST', `/conversations/${id}/messages`, { role: 'user', content: 'hi' }],
        ['DELETE', `/conversations/${id}/messages`],
        ['DELETE', `/conversations/${id}`],
      ];
      for (const [method, path, body] of attempts) {
        await expectProblem(await call(other, method, path, body), 404, 'CONVERSATION_NOT_FOUND');
      }

      expect(await list(other, '/conversations')).toEqual({ items: [], nextCursor: null });
      expect(await list(other, `/conversations?agentId=${agent.assistant}`)).toEqual({
        items: [],
        nextCursor: null,
      });
      const after = await get(owner, id);
      expect(after).toMatchObject({ title: 'Mine', titleSource: 'user', messageCount: 1 });
      const messages = await list<Message>(owner, `/conversations/${id}/messages`);
      expect(messages.items.map((m) => m.content)).toEqual(['secret']);
    });

    it('ConversationsService.getOwned returns only the owner’s conversation', async () => {
      const owner = await newUser(t);
      const other = await newUser(t);
      const conversation = await create(owner);
      const service = t.app.get(ConversationsService);
      expect(await service.getOwned(owner.id, conversation.id)).toMatchObject({
        id: conversation.id,
        userId: owner.id,
        agentId: agent.assistant,
        title: null,
        titleSource: null,
        messageCount: 0,
      });
      await expect(service.getOwned(other.id, conversation.id)).rejects.toMatchObject({
        status: 404,
        code: 'CONVERSATION_NOT_FOUND',
      });
    });
  });

  describe('listing', () => {
    it('lists the most recent activity first: a new message moves a conversation up', async () => {
      const user = await newUser(t);
      const first = await create(user);
      const second = await create(user);
      const third = await create(user);
      expect(ids((await list<Conversation>(user, '/conversations')).items)).toEqual([
        third.id,
        second.id,
        first.id,
      ]);
      await addMessage(user, first.id);
      expect(ids((await list<Conversation>(user, '/conversations')).items)).toEqual([
        first.id,
        third.id,
        second.id,
      ]);
    });

    it('pages with a cursor, also through rows with the same activity time', async () => {
      const user = await newUser(t);
      const created: Conversation[] = [];
      for (let i = 0; i < 7; i++) created.push(await create(user));
      // Three share one activity time: the id breaks the tie.
      await sql(
        `UPDATE conversations SET last_activity_at = '2026-01-01T00:00:00.123Z' WHERE id = ANY($1)`,
        [[created[1].id, created[2].id, created[3].id]],
      );
      const expected = await sql<{ id: string }>(
        `SELECT id FROM conversations WHERE user_id = $1 ORDER BY last_activity_at DESC, id DESC`,
        [user.id],
      );
      for (const limit of [1, 2, 3, 100]) {
        expect(ids(await all<Conversation>(user, '/conversations', limit))).toEqual(ids(expected));
      }
      const page = await list<Conversation>(user, '/conversations?limit=7');
      expect(page.nextCursor).toBeNull();
    });

    it('rejects a bad cursor or limit', async () => {
      const user = await newUser(t);
      for (const query of ['cursor=abc', 'cursor=%25%25', 'limit=0', 'limit=101', 'limit=x']) {
        await expectProblem(
          await call(user, 'GET', `/conversations?${query}`),
          400,
          'VALIDATION_FAILED',
        );
      }
      const bogus = Buffer.from(JSON.stringify(['not a date', randomUUID()])).toString('base64url');
      await expectProblem(
        await call(user, 'GET', `/conversations?cursor=${bogus}`),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('filters by agent', async () => {
      const user = await newUser(t);
      const a = await create(user, { agentId: agent.assistant });
      const h = await create(user, { agentId: agent.helper });
      expect(
        ids((await list<Conversation>(user, `/conversations?agentId=${agent.helper}`)).items),
      ).toEqual([h.id]);
      expect(
        ids((await list<Conversation>(user, `/conversations?agentId=${agent.assistant}`)).items),
      ).toEqual([a.id]);
      await expectProblem(
        await call(user, 'GET', '/conversations?agentId=helper'),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('searches titles case-insensitively, taking % _ and \\ literally', async () => {
      const user = await newUser(t);
      const titles = [
        'Budget 100% final',
        'Budget 1000 final',
        'snake_case names',
        'snakeXcase names',
        'Trip to LISBON',
        'back\\slash',
        'backslash',
      ];
      const byTitle: Record<string, string> = {};
      for (const title of titles) byTitle[title] = (await create(user, { title })).id;
      await create(user); // untitled

      const search = async (q: string) =>
        (await list<Conversation>(user, `/conversations?q=${encodeURIComponent(q)}`)).items
          .map((c) => c.title)
          .sort();
      expect(await search('100%')).toEqual(['Budget 100% final']);
      expect(await search('%')).toEqual(['Budget 100% final']);
      expect(await search('e_c')).toEqual(['snake_case names']);
      expect(await search('_')).toEqual(['snake_case names']);
      expect(await search('lisbon')).toEqual(['Trip to LISBON']);
      expect(await search('  Lisbon ')).toEqual(['Trip to LISBON']);
      expect(await search('k\\s')).toEqual(['back\\slash']);
      expect(await search('budget')).toEqual(['Budget 100% final', 'Budget 1000 final']);
      expect(await search('nothing like it')).toEqual([]);

      const other = await newUser(t);
      await create(other, { title: 'Trip to Lisbon too' });
      expect(await search('lisbon')).toEqual(['Trip to LISBON']);

      // With the agent filter and paging.
      await create(user, { agentId: agent.helper, title: 'Budget helper' });
      expect(
        (await all<Conversation>(user, `/conversations?q=budget&agentId=${agent.assistant}`, 1))
          .map((c) => c.title)
          .sort(),
      ).toEqual(['Budget 100% final', 'Budget 1000 final']);
      expect(byTitle['snake_case names']).toMatch(UUID);
    });
  });

  describe('titles', () => {
    it("PATCH and PUT set the user's title, which automatic titles never replace", async () => {
      const user = await newUser(t);
      const service = t.app.get(ConversationsService);
      for (const method of ['PATCH', 'PUT']) {
        const conversation = await create(user);
        expect(await service.setSystemTitle(conversation.id, '  Auto title  ')).toBe(true);
        expect(await get(user, conversation.id)).toMatchObject({
          title: 'Auto title',
          titleSource: 'system',
        });
        expect(await service.setSystemTitle(conversation.id, 'Better auto title')).toBe(true);

        const res = await call(user, method, `/conversations/${conversation.id}`, {
          title: '  Mine  ',
        });
        expect(res.status).toBe(200);
        const renamed = (await res.json()) as Conversation;
        expect(renamed).toMatchObject({ id: conversation.id, title: 'Mine', titleSource: 'user' });

        expect(await service.setSystemTitle(conversation.id, 'Auto again')).toBe(false);
        expect(await get(user, conversation.id)).toMatchObject({
          title: 'Mine',
          titleSource: 'user',
        });
      }
    });

    it('setSystemTitle cuts titles to 200 characters and ignores blank ones', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      const service = t.app.get(ConversationsService);
      expect(await service.setSystemTitle(conversation.id, '   ')).toBe(false);
      expect(await service.setSystemTitle(conversation.id, 'y'.repeat(250))).toBe(true);
      expect((await get(user, conversation.id)).title).toBe('y'.repeat(200));
    });

    it('rejects a bad title', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      for (const method of ['PATCH', 'PUT']) {
        for (const body of [{}, { title: '' }, { title: 'x'.repeat(201) }, { title: 'a', x: 1 }]) {
          await expectProblem(
            await call(user, method, `/conversations/${conversation.id}`, body),
            400,
            'VALIDATION_FAILED',
          );
        }
      }
    });
  });

  describe('messages', () => {
    it('adds a message, counting it on the conversation', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      const message = await addMessage(user, conversation.id, 'What is a keyset?');
      expect(message).toEqual({
        id: expect.stringMatching(UUID),
        conversationId: conversation.id,
        role: 'user',
        content: 'What is a keyset?',
        status: 'complete',
        model: null,
        promptTokens: null,
        completionTokens: null,
        errorCode: null,
        createdAt: expect.stringMatching(ISO),
      });
      const after = await get(user, conversation.id);
      expect(after).toMatchObject({
        messageCount: 1,
        lastMessageAt: message.createdAt,
        lastActivityAt: message.createdAt,
      });
      await addMessage(user, conversation.id, 'A position.', 'assistant');
      await addMessage(user, conversation.id, 'Be brief.', 'system');
      expect((await get(user, conversation.id)).messageCount).toBe(3);
    });

    it('counts concurrent messages exactly and orders them as written', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      const added = await Promise.all(
        Array.from({ length: 12 }, (_, i) => addMessage(user, conversation.id, `m${i}`)),
      );
      const after = await get(user, conversation.id);
      expect(after.messageCount).toBe(12);
      const listed = await list<Message>(user, `/conversations/${conversation.id}/messages`);
      // Oldest first, strictly increasing times, the last one is the conversation's last.
      const times = listed.items.map((m) => Date.parse(m.createdAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(times).size).toBe(12);
      expect(after.lastMessageAt).toBe(listed.items[11].createdAt);
      expect(ids(listed.items).sort()).toEqual(ids(added).sort());
    });

    it('orders messages added in quick succession as written', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      const service = t.app.get(MessagesService);
      for (let i = 0; i < 20; i++) {
        await service.appendMessage(conversation.id, {
          role: MessageRole.User,
          content: `m${i}`,
          status: MessageStatus.Complete,
        });
      }
      const listed = await all<Message>(user, `/conversations/${conversation.id}/messages`, 100);
      expect(listed.map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    });

    it('pages messages oldest first by default and newest first with order=desc', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      const written: Message[] = [];
      for (let i = 0; i < 5; i++) written.push(await addMessage(user, conversation.id, `m${i}`));
      const path = `/conversations/${conversation.id}/messages`;
      for (const limit of [1, 2, 5]) {
        expect(ids(await all<Message>(user, path, limit))).toEqual(ids(written));
        expect(ids(await all<Message>(user, `${path}?order=desc`, limit))).toEqual(
          ids(written).reverse(),
        );
        expect(ids(await all<Message>(user, `${path}?order=asc`, limit))).toEqual(ids(written));
      }
      const first = await list<Message>(user, `${path}?limit=2`);
      expect(first.nextCursor).toEqual(expect.any(String));
      expect((await list<Message>(user, `${path}?limit=5`)).nextCursor).toBeNull();
      await expectProblem(await call(user, 'GET', `${path}?order=up`), 400, 'VALIDATION_FAILED');
    });

    it('accepts 32000 characters and rejects bad messages', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      const path = `/conversations/${conversation.id}/messages`;
      expect((await addMessage(user, conversation.id, 'x'.repeat(32_000))).content).toHaveLength(
        32_000,
      );
      for (const body of [
        {},
        { role: 'user' },
        { role: 'user', content: '' },
        { role: 'user', content: ' \n ' },
        { role: 'user', content: 'x'.repeat(32_001) },
        { role: 'tool', content: 'hi' },
        { role: 'user', content: 5 },
        { role: 'user', content: 'hi', status: 'streaming' },
      ]) {
        await expectProblem(await call(user, 'POST', path, body), 400, 'VALIDATION_FAILED');
      }
      expect((await get(user, conversation.id)).messageCount).toBe(1);
    });

    it('clears messages, resetting the counts and keeping the conversation and title', async () => {
      const user = await newUser(t);
      const conversation = await create(user, { title: 'Keep me' });
      await addMessage(user, conversation.id, 'one');
      await addMessage(user, conversation.id, 'two');
      const res = await call(user, 'DELETE', `/conversations/${conversation.id}/messages`);
      expect(res.status).toBe(204);
      expect(await countRows(conversation.id)).toEqual({ conversations: 1, messages: 0 });
      expect(await get(user, conversation.id)).toMatchObject({
        title: 'Keep me',
        messageCount: 0,
        lastMessageAt: null,
      });
      expect(await list(user, `/conversations/${conversation.id}/messages`)).toEqual({
        items: [],
        nextCursor: null,
      });
      await addMessage(user, conversation.id, 'three');
      expect((await get(user, conversation.id)).messageCount).toBe(1);
    });

    it('deletes a conversation with its messages', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      await addMessage(user, conversation.id, 'one');
      await addMessage(user, conversation.id, 'two');
      const res = await call(user, 'DELETE', `/conversations/${conversation.id}`);
      expect(res.status).toBe(204);
      expect(await countRows(conversation.id)).toEqual({ conversations: 0, messages: 0 });
      await expectProblem(
        await call(user, 'GET', `/conversations/${conversation.id}`),
        404,
        'CONVERSATION_NOT_FOUND',
      );
      await expectProblem(
        await call(user, 'DELETE', `/conversations/${conversation.id}`),
        404,
        'CONVERSATION_NOT_FOUND',
      );
    });
  });

  describe('services for the chat', () => {
    it('appendMessage stores every field and counts the message; updateMessage changes fields', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      const messages = t.app.get(MessagesService);
      await messages.appendMessage(conversation.id, {
        role: MessageRole.User,
        content: 'hi',
        status: MessageStatus.Complete,
      });
      const reply = await messages.appendMessage(conversation.id, {
        role: MessageRole.Assistant,
        content: '',
        status: MessageStatus.Streaming,
        model: 'local-dev',
      });
      expect(reply).toMatchObject({
        conversationId: conversation.id,
        status: MessageStatus.Streaming,
        model: 'local-dev',
        promptTokens: null,
      });
      expect(await get(user, conversation.id)).toMatchObject({
        messageCount: 2,
        lastMessageAt: reply.createdAt.toISOString(),
      });

      const done = await messages.updateMessage(reply.id, {
        content: 'Hello!',
        status: MessageStatus.Complete,
        promptTokens: 12,
        completionTokens: 3,
      });
      expect(done).toMatchObject({
        id: reply.id,
        content: 'Hello!',
        status: 'complete',
        model: 'local-dev',
        promptTokens: 12,
        completionTokens: 3,
        errorCode: null,
      });
      const failed = await messages.updateMessage(reply.id, {
        status: MessageStatus.Error,
        errorCode: 'LLM_TIMEOUT',
      });
      expect(failed).toMatchObject({
        content: 'Hello!',
        status: 'error',
        errorCode: 'LLM_TIMEOUT',
      });
      expect(await messages.updateMessage(reply.id, {})).toMatchObject({ status: 'error' });

      await expect(
        messages.updateMessage(randomUUID(), { status: MessageStatus.Aborted }),
      ).rejects.toMatchObject({ status: 404, code: 'MESSAGE_NOT_FOUND' });
      await expect(
        messages.appendMessage(randomUUID(), {
          role: MessageRole.User,
          content: 'x',
          status: MessageStatus.Complete,
        }),
      ).rejects.toMatchObject({ status: 404, code: 'CONVERSATION_NOT_FOUND' });
    });

    it('history gives the latest messages oldest first, without streaming ones', async () => {
      const user = await newUser(t);
      const conversation = await create(user);
      const messages = t.app.get(MessagesService);
      const append = (content: string, status = MessageStatus.Complete) =>
        messages.appendMessage(conversation.id, { role: MessageRole.User, content, status });
      for (let i = 0; i < 5; i++) await append(`m${i}`);
      await append('partial', MessageStatus.Streaming);
      await append('stopped', MessageStatus.Aborted);
      await append('failed', MessageStatus.Error);

      const contents = async (max?: number) =>
        (await messages.history(conversation.id, max)).map((m) => m.content);
      expect(await contents()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'stopped', 'failed']);
      expect(await contents(3)).toEqual(['m4', 'stopped', 'failed']);
      expect(await messages.history(randomUUID())).toEqual([]);
    });
  });

  describe('fresh conversation', () => {
    const fresh = (user: TestUser, agentId: string) =>
      call(user, 'POST', `/agents/${agentId}/conversations/fresh`);

    it('creates one (201), then hands out the same empty one (200) until it has messages', async () => {
      const user = await newUser(t);
      const first = await fresh(user, agent.assistant);
      expect(first.status).toBe(201);
      const created = (await first.json()) as Conversation;
      expect(created).toMatchObject({ agentId: agent.assistant, messageCount: 0 });

      const again = await fresh(user, agent.assistant);
      expect(again.status).toBe(200);
      expect(((await again.json()) as Conversation).id).toBe(created.id);

      await addMessage(user, created.id);
      const next = await fresh(user, agent.assistant);
      expect(next.status).toBe(201);
      expect(((await next.json()) as Conversation).id).not.toBe(created.id);
    });

    it('reuses the newest empty conversation, moving it to the top of the list', async () => {
      const user = await newUser(t);
      const older = await create(user);
      const newer = await create(user);
      const busy = await create(user);
      await addMessage(user, busy.id);
      const res = await fresh(user, agent.assistant);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Conversation).id).toBe(newer.id);
      expect(ids((await list<Conversation>(user, '/conversations')).items)).toEqual([
        newer.id,
        busy.id,
        older.id,
      ]);
    });

    it("never reuses another user's or another agent's empty conversation", async () => {
      const user = await newUser(t);
      const other = await newUser(t);
      const othersEmpty = await create(other);
      const helperEmpty = await create(user, { agentId: agent.helper });

      const res = await fresh(user, agent.assistant);
      expect(res.status).toBe(201);
      const mine = (await res.json()) as Conversation;
      expect([othersEmpty.id, helperEmpty.id]).not.toContain(mine.id);
      expect(mine.agentId).toBe(agent.assistant);

      const helper = await fresh(user, agent.helper);
      expect(helper.status).toBe(200);
      expect(((await helper.json()) as Conversation).id).toBe(helperEmpty.id);
    });

    it('makes only one conversation for concurrent requests', async () => {
      const user = await newUser(t);
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => fresh(user, agent.assistant)),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
      const bodies = (await Promise.all(responses.map((r) => r.json()))) as Conversation[];
      expect(new Set(ids(bodies)).size).toBe(1);
      expect((await list(user, '/conversations')).items).toHaveLength(1);
    });

    it('checks the agent', async () => {
      const user = await newUser(t);
      await expectProblem(await fresh(user, randomUUID()), 404, 'AGENT_NOT_FOUND');
      await expectProblem(await fresh(user, agent.vip), 403, 'AGENT_PREMIUM_REQUIRED');
      await expectProblem(await fresh(user, 'assistant'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('cleanup of empty conversations', () => {
    it('registers the hourly job scheduler', async () => {
      const queue = t.app.get(QueueProducer).queue(QueueName.Conversations);
      const schedulers = await queue.getJobSchedulers();
      const scheduler = schedulers.find(
        (s) => (s.key ?? s.name) === (JobName.CleanEmptyConversations as string),
      );
      expect(scheduler).toBeDefined();
      expect(Number(scheduler?.every)).toBe(HOUR);
    });

    it('deletes empty conversations idle past the TTL and keeps the rest', async () => {
      const user = await newUser(t);
      const other = await newUser(t);
      const ttl = t.config.chat.emptyConversationTtlHours;

      const oldEmpty = await create(user);
      await age(oldEmpty.id, ttl + 1);
      const othersOldEmpty = await create(other);
      await age(othersOldEmpty.id, ttl + 1);
      const oldWithMessages = await create(user);
      await addMessage(user, oldWithMessages.id);
      await age(oldWithMessages.id, ttl + 1);
      const recentEmpty = await create(user);
      await age(recentEmpty.id, ttl - 1);
      const newEmpty = await create(user);
      // Old, but handed out again as a fresh conversation just now.
      const reused = await create(user, { agentId: agent.helper });
      await age(reused.id, ttl + 1);
      const res = await call(user, 'POST', `/agents/${agent.helper}/conversations/fresh`);
      expect(res.status).toBe(200);

      const producer = t.app.get(QueueProducer);
      const id = await producer.enqueue(JobName.CleanEmptyConversations, {});
      const job = await waitForState(producer.queue(QueueName.Conversations), id);
      expect((job.returnvalue as { deleted: number }).deleted).toBeGreaterThanOrEqual(2);

      const exists = async (c: Conversation) => (await countRows(c.id)).conversations === 1;
      expect(await exists(oldEmpty)).toBe(false);
      expect(await exists(othersOldEmpty)).toBe(false);
      expect(await exists(oldWithMessages)).toBe(true);
      expect((await countRows(oldWithMessages.id)).messages).toBe(1);
      expect(await exists(recentEmpty)).toBe(true);
      expect(await exists(newEmpty)).toBe(true);
      expect(await exists(reused)).toBe(true);

      // Idempotent: a second run finds nothing more of these.
      const again = await producer.enqueue(JobName.CleanEmptyConversations, {});
      await waitForState(producer.queue(QueueName.Conversations), again);
      expect(await exists(recentEmpty)).toBe(true);
      expect(await exists(oldWithMessages)).toBe(true);
    });
  });

  describe('account deletion', () => {
    async function seedConversations(user: TestUser) {
      const withMessages = await create(user);
      await addMessage(user, withMessages.id, 'one');
      await addMessage(user, withMessages.id, 'two');
      const empty = await create(user);
      return [withMessages, empty];
    }

    async function rowsOf(userId: string) {
      const [row] = await sql<{ conversations: number; messages: number }>(
        `SELECT (SELECT count(*) FROM conversations WHERE user_id = $1)::int AS conversations,
                (SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                  WHERE c.user_id = $1)::int AS messages`,
        [userId],
      );
      return row;
    }

    it('removes the conversations and messages of a user who deletes their account', async () => {
      const leaving = await newUser(t);
      const staying = await newUser(t);
      const [leavingConversation] = await seedConversations(leaving);
      await seedConversations(staying);

      const res = await call(leaving, 'POST', '/auth/me/delete', { password: leaving.password });
      expect(res.status).toBe(204);
      expect(await rowsOf(leaving.id)).toEqual({ conversations: 0, messages: 0 });
      expect(await countRows(leavingConversation.id)).toEqual({ conversations: 0, messages: 0 });
      expect(await rowsOf(staying.id)).toEqual({ conversations: 2, messages: 2 });
    });

    it("the 'conversations' deletion hook removes them inside the deletion's transaction", async () => {
      const user = await newUser(t);
      await seedConversations(user);
      const inside = await t.app
        .get(DataSource)
        .transaction(async (manager) => {
          const hooks = await t.app.get(UserDeletionHooks).run(user.id, manager);
          const [row] = await manager.query<{ conversations: number }[]>(
            `SELECT (SELECT count(*) FROM conversations WHERE user_id = $1)::int AS conversations`,
            [user.id],
          );
          throw Object.assign(new Error('rollback'), { hooks, row });
        })
        .catch((e: { hooks: string[]; row: { conversations: number } }) => e);
      expect(inside.hooks).toContain('conversations');
      expect(inside.row).toEqual({ conversations: 0 });
      expect(await rowsOf(user.id)).toEqual({ conversations: 2, messages: 2 });
    });

    it('cascades from users to conversations to messages', async () => {
      const user = await newUser(t);
      await seedConversations(user);
      await sql('DELETE FROM users WHERE id = $1', [user.id]);
      expect(await rowsOf(user.id)).toEqual({ conversations: 0, messages: 0 });
      const [orphans] = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM messages m
          WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = m.conversation_id)`,
      );
      expect(orphans.n).toBe(0);
    });
  });
});
