import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  body: {
    model: string;
    messages: { role: string; content: string }[];
    stream?: boolean;
    max_tokens?: number;
    temperature?: number;
  };
  authorization?: string;
  /** Set when the client closed the connection before the answer ended. */
  closedByClient: boolean;
  finished: boolean;
}

/**
 * An OpenAI-compatible chat completions server on loopback speaking the real wire format
 * (chunked SSE `data:` lines, a usage chunk, `[DONE]`). The model name picks behaviour:
 * - `mock-ok` (default): `deltas` chunks of "w<i> " every `intervalMs`, then usage
 * - `mock-midstream-error`: three chunks, then an error event and a broken connection
 * - `mock-stall`: one chunk, then silence (never ends)
 * - `mock-500`: HTTP 500 with an error body
 * - `mock-title`: non-streaming-style short answer for titling prompts
 */
export class OpenAiMock {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  deltas = 5;
  intervalMs = 5;
  baseUrl = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(() => r(undefined)));
  }

  private async handle(
    req: IncomingMessage,
    res: import('node:http').ServerResponse,
  ): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    if (req.url !== '/v1/chat/completions' || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(raw) as RecordedRequest['body'];
    const record: RecordedRequest = {
      body,
      authorization: req.headers.authorization,
      closedByClient: false,
      finished: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!record.finished) record.closedByClient = true;
    });
    const model = body.model;
    if (model === 'mock-500') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error' } }));
      record.finished = true;
      return;
    }
    const isTitle = body.messages.some(
      (m) => m.role === 'system' && m.content.startsWith('Write a short title'),
    );
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    const chunk = (content: string, finish: string | null = null) =>
      send({
        id: 'chatcmpl-mock',
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, delta: { content }, finish_reason: finish }],
      });
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    if (isTitle) {
      chunk('"Mock Title About Things"');
      chunk('', 'stop');
      send({
        id: 'chatcmpl-mock',
        object: 'chat.completion.chunk',
        created: 0,
        model,
        choices: [],
        usage: { prompt_tokens: 20, completion_tokens: 4, total_tokens: 24 },
      });
      res.end('data: [DONE]\n\n');
      record.finished = true;
      return;
    }
    const count = model === 'mock-midstream-error' ? 3 : model === 'mock-stall' ? 1 : this.deltas;
    for (let i = 0; i < count; i++) {
      if (res.destroyed) return;
      chunk(`w${i} `);
      await wait(this.intervalMs);
    }
    if (model === 'mock-stall') return; // never ends
    if (model === 'mock-midstream-error') {
      send({ error: { message: 'model crashed', type: 'server_error' } });
      res.destroy();
      return;
    }
    chunk('', 'stop');
    send({
      id: 'chatcmpl-mock',
      object: 'chat.completion.chunk',
      created: 0,
      model,
      choices: [],
      usage: { prompt_tokens: 42, completion_tokens: count, total_tokens: 42 + count },
    });
    res.end('data: [DONE]\n\n');
    record.finished = true;
  }
}
