// Bare reference for POST /api/v1/conversations/{id}/chat: plain node:http, no framework,
// no database, no token check. Per request it reads the JSON body, answers
// text/event-stream with Meridian's headers, writes the same events as Meridian
// (`user-message` with a Message, one `delta` {text} per content chunk, then `message`
// with the assistant Message and its finishReason, or `error`), and in between makes the
// same upstream call as Meridian's OpenAI-compatible provider: POST
// {LLM_BASE_URL}/chat/completions through the global fetch (undici, what the openai SDK
// uses), stream + include_usage, the agent's system prompt then the user's message, and
// parses that server-sent-event stream. The client going away aborts the upstream call.
//
// Environment: PORT, HOST, LLM_BASE_URL, LLM_MODEL, SYSTEM_PROMPT.
import http from 'node:http';
import { randomUUID } from 'node:crypto';

const BASE_URL = process.env.LLM_BASE_URL;
const MODEL = process.env.LLM_MODEL || 'bench-model';
const SYSTEM_PROMPT = process.env.SYSTEM_PROMPT || 'Stream.';
const CHAT_PATH = /^\/api\/v1\/conversations\/([0-9a-f-]{36})\/chat$/;

const message = (conversationId, fields) => ({
  id: randomUUID(),
  conversationId,
  role: 'user',
  content: '',
  status: 'complete',
  model: null,
  promptTokens: null,
  completionTokens: null,
  errorCode: null,
  createdAt: new Date().toISOString(),
  ...fields,
});

const event = (res, name, data) => {
  if (!res.destroyed) res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
};

/** Yields the JSON payload of every `data:` line of an SSE body, until [DONE]. */
async function* sseData(body) {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const part of body) {
    buffer += decoder.decode(part, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of block.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        yield JSON.parse(data);
      }
    }
  }
}

async function chat(req, res, conversationId) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  let content;
  try {
    content = JSON.parse(Buffer.concat(chunks).toString('utf8')).content;
  } catch {
    content = undefined;
  }
  if (typeof content !== 'string' || content.length === 0) {
    res.writeHead(400, { 'content-type': 'application/problem+json' });
    res.end('{"status":400,"code":"VALIDATION_FAILED"}');
    return;
  }
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  // The headers leave with this first event, in one write (as Meridian's).
  event(res, 'user-message', message(conversationId, { content }));
  let text = '';
  let finishReason = 'stop';
  let usage;
  const assistant = message(conversationId, { role: 'assistant', model: MODEL });
  try {
    const upstream = await fetch(`${BASE_URL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer unused' },
      body: JSON.stringify({
        model: MODEL,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content },
        ],
        stream: true,
        stream_options: { include_usage: true },
      }),
      signal: abort.signal,
    });
    if (!upstream.ok) throw new Error(`upstream answered ${upstream.status}`);
    for await (const chunk of sseData(upstream.body)) {
      const choice = chunk.choices?.[0];
      const piece = choice?.delta?.content;
      if (piece) {
        text += piece;
        event(res, 'delta', { text: piece });
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    event(res, 'message', {
      ...assistant,
      content: text,
      promptTokens: usage?.prompt_tokens ?? null,
      completionTokens: usage?.completion_tokens ?? null,
      finishReason,
    });
  } catch (err) {
    event(res, 'error', {
      code: abort.signal.aborted ? 'GENERATION_ABORTED' : 'PROVIDER_ERROR',
      message: String(err?.message ?? err),
      partial: { ...assistant, content: text, status: 'error' },
    });
  }
  res.end();
}

const server = http.createServer((req, res) => {
  if (req.url === '/bench/up') {
    res.writeHead(200, { 'content-length': 0 });
    res.end();
    return;
  }
  const match = req.method === 'POST' ? CHAT_PATH.exec(req.url ?? '') : null;
  if (!match) {
    res.writeHead(404, { 'content-length': 0 });
    res.end();
    return;
  }
  chat(req, res, match[1]).catch(() => res.destroy());
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
