import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { OpenAiMock } from '../support/openai-mock.js';
import { readSse } from '../support/sse.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const SEED = JSON.stringify([
  { slug: 'ok', name: 'OK', systemPrompt: 'S', provider: 'openai', model: 'mock-ok' },
  { slug: 'fails', name: 'Fails', systemPrompt: 'S', provider: 'openai', model: 'mock-500' },
]);
const CHAT_ROUTE = '/api/v1/conversations/:conversationId/chat';

interface LogLine {
  msg: string;
  level: number | string;
  route?: string;
  url?: string;
  status?: number;
  clientAborted?: boolean;
  cause?: string;
  code?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('request log and metrics', () => {
  let llm: OpenAiMock;
  let t: TestApp;
  let user: TestUser;
  const raw: string[] = [];
  const lines = (): LogLine[] => raw.map((l) => JSON.parse(l) as LogLine);

  beforeAll(async () => {
    llm = await new OpenAiMock().start();
    const logStream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        raw.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    t = await startTestApp(
      {
        LOG_LEVEL: 'info',
        LLM_BASE_URL: llm.baseUrl,
        LLM_API_KEY: 'sk-test-secret-key-123',
        AGENTS_SEED: SEED,
      },
      [],
      { logStream },
    );
    user = await newUser(t);
  });
  afterAll(async () => {
    await t.close();
    await llm.stop();
  });

  async function conversation(slug: string): Promise<string> {
    const agents = (await (
      await t.request(`/api/v1/agents/${slug}`, { headers: user.auth })
    ).json()) as { id: string };
    const res = await t.request(
      '/api/v1/conversations',
      jsonBody({ agentId: agents.id }, user.auth),
    );
    return ((await res.json()) as { id: string }).id;
  }

  async function chatCount(status: number): Promise<number> {
    const text = await (await t.request('/metrics')).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('http_request_duration_seconds_count{') &&
          l.includes('method="POST"') &&
          l.includes(`route="${CHAT_ROUTE}"`) &&
          l.includes(`status="${status}"`),
      );
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('redacts sensitive query parameters in the request log', async () => {
    await t.request(
      '/api/v1/conversations?limit=5&token=query-secret-1&access_token=query-secret-2',
      {
        headers: user.auth,
      },
    );
    const line = lines().find(
      (l) => l.msg === 'request' && l.url?.startsWith('/api/v1/conversations?'),
    );
    expect(line?.url).toBe(
      '/api/v1/conversations?limit=5&token=[redacted]&access_token=[redacted]',
    );
    expect(raw.join('\n')).not.toContain('query-secret');
  });

  it('logs and counts a finished stream once, without a "reply was already sent" warning', async () => {
    const before = await chatCount(200);
    const id = await conversation('ok');
    const res = await t.request(
      `/api/v1/conversations/${id}/chat`,
      jsonBody({ content: 'hi' }, { ...user.auth, accept: 'text/event-stream' }),
    );
    await readSse(res);
    const json = await t.request(
      `/api/v1/conversations/${id}/chat`,
      jsonBody({ content: 'again' }, { ...user.auth, accept: 'application/json' }),
    );
    expect(json.status).toBe(200);
    await json.json();
    await sleep(100);
    const logged = lines().filter((l) => l.msg === 'request' && l.route === CHAT_ROUTE);
    expect(logged).toHaveLength(2);
    expect(logged.every((l) => l.status === 200 && !l.clientAborted)).toBe(true);
    expect(await chatCount(200)).toBe(before + 2);
    expect(raw.join('\n')).not.toMatch(/already sent/i);
  });

  it('logs and counts a stream the client aborted', async () => {
    llm.intervalMs = 200;
    llm.deltas = 30;
    try {
      const before = await chatCount(200);
      const id = await conversation('ok');
      const controller = new AbortController();
      const res = await t.request(`/api/v1/conversations/${id}/chat`, {
        ...jsonBody({ content: 'long' }, { ...user.auth, accept: 'text/event-stream' }),
        signal: controller.signal,
      });
      await readSse(res, (e) => e.event === 'delta').catch(() => undefined);
      controller.abort();
      let aborted: LogLine | undefined;
      for (let i = 0; i < 50 && !aborted; i++) {
        await sleep(50);
        aborted = lines().find(
          (l) => l.msg === 'request' && l.route === CHAT_ROUTE && l.clientAborted,
        );
      }
      expect(aborted).toMatchObject({ status: 200, clientAborted: true });
      expect(await chatCount(200)).toBe(before + 1);
    } finally {
      llm.intervalMs = 5;
      llm.deltas = 5;
    }
  });

  it('logs why the model provider failed, without the API key', async () => {
    const id = await conversation('fails');
    const res = await t.request(
      `/api/v1/conversations/${id}/chat`,
      jsonBody({ content: 'hi' }, { ...user.auth, accept: 'text/event-stream' }),
    );
    await readSse(res);
    await sleep(50);
    const failure = lines().find((l) => l.msg.startsWith('generation failed'));
    expect(failure?.code).toBe('PROVIDER_ERROR');
    expect(failure?.cause).toMatch(/status 500/);
    expect(raw.join('\n')).not.toContain('sk-test-secret-key-123');
  });
});
