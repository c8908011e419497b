// The chat benchmark's client: opens many POST .../chat SSE streams at once over node:http
// (one connection each) and measures every stream as it is read.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { assertLoopbackUrl } from './net.mjs';

const wallNow = () => performance.timeOrigin + performance.now();
const SENT_AT = /<(\d+(?:\.\d+)?)>/;

/**
 * One stream. Resolves (never rejects) with
 * { ok, status, code, userMessageMs, ttfdMs, doneMs, deltas, userMessage, final, finalStatus,
 * error }: userMessageMs = request start → `user-message` event parsed, ttfdMs = → first
 * `delta` event parsed; doneMs = start → end of the response;
 * ok = 200, `user-message` first, `deltas` deltas, then a `message` event whose status is
 * complete and whose content is the deltas put together. Each delta's lateness (receive
 * time − the provider's send time carried in its text) goes to `lags`.
 */
function oneStream({ url, token, content, deltas: expected, agent, timeoutMs }, lags, open) {
  const body = JSON.stringify({ content });
  const started = performance.now();
  const result = {
    ok: false,
    status: 0,
    code: undefined,
    ttfdMs: undefined,
    userMessageMs: undefined,
    reusedSocket: false,
    doneMs: undefined,
    deltas: 0,
    userMessage: false,
    final: undefined,
    finalStatus: undefined,
    error: undefined,
  };
  return new Promise((resolve) => {
    let opened = false;
    let settled = false;
    let text = '';
    const finish = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (opened) open.count--;
      if (error && !result.error) result.error = error.code ?? error.message;
      result.doneMs = performance.now() - started;
      result.ok =
        result.status === 200 &&
        result.userMessage &&
        result.deltas === expected &&
        result.final === 'message' &&
        result.finalStatus === 'complete' &&
        !result.error;
      resolve(result);
    };
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          accept: 'text/event-stream',
        },
      },
      (res) => {
        result.status = res.statusCode;
        res.setEncoding('utf8');
        if (res.statusCode !== 200) {
          let problem = '';
          res.on('data', (c) => (problem += c));
          res.on('end', () => {
            try {
              result.code = JSON.parse(problem).code;
            } catch {
              result.code = problem.slice(0, 80);
            }
            finish();
          });
          res.on('error', finish);
          return;
        }
        opened = true;
        open.count++;
        open.peak = Math.max(open.peak, open.count);
        let buffer = '';
        res.on('data', (chunk) => {
          const now = wallNow();
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.startsWith('event: delta')) {
              if (result.deltas === 0) result.ttfdMs = performance.now() - started;
              result.deltas++;
              const sent = SENT_AT.exec(frame);
              if (sent) lags.push(now - Number(sent[1]));
              const data = JSON.parse(frame.slice(frame.indexOf('data: ') + 6));
              text += data.text;
            } else if (frame.startsWith('event: user-message')) {
              result.userMessage = result.deltas === 0 && result.final === undefined;
              result.userMessageMs = performance.now() - started;
            } else if (frame.startsWith('event: message') || frame.startsWith('event: error')) {
              result.final = frame.startsWith('event: message') ? 'message' : 'error';
              const data = JSON.parse(frame.slice(frame.indexOf('data: ') + 6));
              if (result.final === 'message') {
                result.finalStatus = data.content === text ? data.status : 'content-mismatch';
              } else {
                result.code = data.code;
                result.finalStatus = data.partial?.status;
              }
            }
          }
        });
        res.on('end', () => finish());
        res.on('error', finish);
        res.on('close', () => finish(result.final ? undefined : new Error('closed early')));
      },
    );
    const timer = setTimeout(() => req.destroy(new Error('client timeout')), timeoutMs);
    req.on('socket', () => (result.reusedSocket = req.reusedSocket));
    req.on('error', finish);
    req.end(body);
  });
}

/** `n` GETs of `path` at once on `agent`, so that it holds `n` open keep-alive connections. */
async function preconnect(agent, baseUrl, path, n) {
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve, reject) => {
          const req = http.get(`${baseUrl}${path}`, { agent }, (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${res.statusCode}`)),
            );
          });
          req.on('error', reject);
        }),
    ),
  );
}

/**
 * Opens one stream per path at once against `baseUrl` and waits for all of them. With
 * `warmPath`, one keep-alive connection per stream is opened first (a GET of warmPath
 * each), so the streams start on established connections, as behind a proxy or a load
 * balancer that keeps its connections: the figures are the server's, not the TCP
 * handshakes' (a burst of new connections overflows the listen backlog, and the SYNs
 * dropped come back 1 s, then 3 s later). `beforeStart` runs just before the streams
 * start. Returns { open: { count, peak } (streams whose
 * 200 arrived and that have not ended: live, for memory sampling), ready (resolves when
 * the connections are open and the streams start), done (resolves with { results, lags
 * (unsorted ms), open })}.
 */
export function openStreams({
  baseUrl,
  paths,
  token,
  deltas,
  warmPath,
  beforeStart = () => undefined,
  timeoutMs = 180_000,
}) {
  assertLoopbackUrl(baseUrl);
  const agent = new http.Agent({
    keepAlive: Boolean(warmPath),
    maxSockets: Infinity,
    maxFreeSockets: Infinity,
  });
  const lags = [];
  const open = { count: 0, peak: 0 };
  const ready = warmPath ? preconnect(agent, baseUrl, warmPath, paths.length) : Promise.resolve();
  const done = ready
    .then(() => beforeStart())
    .then(() =>
      Promise.all(
        paths.map((path, i) =>
          oneStream(
            {
              url: `${baseUrl}${path}`,
              token,
              content: `stream please ${i}`,
              deltas,
              agent,
              timeoutMs,
            },
            lags,
            open,
          ),
        ),
      ),
    )
    .then((results) => {
      agent.destroy();
      return { results, lags, open };
    });
  return { open, ready, done };
}
