// The chat benchmark's model provider: POST /v1/chat/completions in the OpenAI streaming
// wire format (what Meridian's OpenAI-compatible provider and the bare relay both call).
// Every request gets DELTAS content chunks INTERVAL_MS apart, then a finish chunk, a usage
// chunk and [DONE]. Each delta's text is `<send time>`: the wall-clock time (ms, two
// decimals) at which it was written, so a client can tell how late it arrived.
//
//   PORT=0 DELTAS=50 INTERVAL_MS=20 node bench/peers/llm-stream.mjs
//
// Runs in its own process so that its timers and writes do not share an event loop with
// the client that measures. GET /bench/up answers 200 (the harness's readiness probe);
// GET /bench/stats answers {"requests": n, "open": n} (requests since start, still open).
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const DELTAS = Number(process.env.DELTAS ?? 50);
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 20);
let requests = 0;
let open = 0;

const wallNow = () => (performance.timeOrigin + performance.now()).toFixed(2);

function frame(model, delta, finishReason = null) {
  return `data: ${JSON.stringify({
    id: 'bench',
    object: 'chat.completion.chunk',
    created: 0,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  })}\n\n`;
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/bench/up') {
    res.writeHead(200, { 'content-length': 0 }).end();
    return;
  }
  if (req.method === 'GET' && req.url === '/bench/stats') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ requests, open }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-length': 0 }).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let model = 'bench-model';
    try {
      model = JSON.parse(Buffer.concat(chunks).toString('utf8')).model ?? model;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad json"}');
      return;
    }
    requests++;
    open++;
    res.on('close', () => open--);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let sent = 0;
    const tick = () => {
      if (res.destroyed) return;
      if (sent < DELTAS) {
        res.write(frame(model, { content: `<${wallNow()}>` }));
        sent++;
        setTimeout(tick, INTERVAL_MS);
        return;
      }
      res.write(frame(model, {}, 'stop'));
      res.write(
        `data: ${JSON.stringify({
          id: 'bench',
          object: 'chat.completion.chunk',
          created: 0,
          model,
          choices: [],
          usage: { prompt_tokens: 10, completion_tokens: DELTAS, total_tokens: 10 + DELTAS },
        })}\n\n`,
      );
      res.end('data: [DONE]\n\n');
    };
    tick();
  });
});
server.keepAliveTimeout = 72_000;
// A connection burst of 1,000 must not overflow the accept queue of the peer itself.
server.listen({
  port: Number(process.env.PORT ?? 0),
  host: process.env.HOST || '127.0.0.1',
  backlog: 4096,
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
