// 500 concurrent chat streams from one client process against an OpenAI-compatible test
// provider that emits 50 deltas at 20 ms intervals. Reports whether every stream completed,
// the latency Meridian adds per delta (client receive time minus provider send time; the
// send time travels inside the delta text), and Meridian's memory per open stream.
//
//   npm run build && node bench/chat-streams.mjs [--streams 500] [--deltas 50] [--interval 20]
//
// Uses the bench database (meridian_bench) and Redis prefix like bench/run.mjs; 127.0.0.1 only.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureDatabase, databaseUrl, infraSettings, resetRedisPrefix } from './lib/infra.mjs';
import { AUTH_MERIDIAN_ENV, loginAdmin, meridianCall } from './lib/login.mjs';
import { assertBuilt, startMeridian } from './lib/meridian.mjs';
import { installCleanup, stopAll, stopServer } from './lib/proc.mjs';
import { LOOPBACK, sleep } from './lib/net.mjs';
import { percentileSorted } from './lib/stats.mjs';

const { values: opts } = parseArgs({
  options: {
    streams: { type: 'string', default: '500' },
    deltas: { type: 'string', default: '50' },
    interval: { type: 'string', default: '20' },
  },
});
const STREAMS = Number(opts.streams);
const DELTAS = Number(opts.deltas);
const INTERVAL = Number(opts.interval);
installCleanup({ maxMs: 10 * 60_000 });

/** The test provider: OpenAI streaming wire format, deltas carry their send time. */
function startProvider() {
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const { model } = JSON.parse(body);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (content, finish = null) =>
      res.write(
        `data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`,
      );
    for (let i = 0; i < DELTAS && !res.destroyed; i++) {
      chunk(`<${Date.now()}>`);
      await sleep(INTERVAL);
    }
    chunk('', 'stop');
    res.write(
      `data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', created: 0, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: DELTAS, total_tokens: 10 + DELTAS } })}\n\n`,
    );
    res.end('data: [DONE]\n\n');
  });
  return new Promise((resolve) =>
    server.listen(0, LOOPBACK, () =>
      resolve({ server, url: `http://${LOOPBACK}:${server.address().port}/v1` }),
    ),
  );
}

const rssBytes = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) * 1024;
};

async function main() {
  assertBuilt();
  const infra = infraSettings();
  await ensureDatabase(infra.adminUrl, infra.database);
  await resetRedisPrefix(infra.redisUrl, infra.queuePrefix);
  const provider = await startProvider();
  const dbUrl = databaseUrl(infra.adminUrl, infra.database);
  const meridian = await startMeridian({
    mode: 'external',
    databaseUrl: dbUrl,
    redisUrl: infra.redisUrl,
    queuePrefix: infra.queuePrefix,
    extraEnv: {
      ...AUTH_MERIDIAN_ENV,
      LLM_BASE_URL: provider.url,
      LLM_MODEL: 'bench-model',
      CHAT_MAX_STREAMS_PER_USER: String(STREAMS * 2),
      DATABASE_POOL_SIZE: '20',
      CHAT_HEARTBEAT_MS: '15000',
    },
  });
  try {
    const { token } = await loginAdmin(meridian.baseUrl, dbUrl);
    // An agent on the test provider (the bench database may hold agents seeded without it).
    const agents = await meridianCall(meridian.baseUrl, 'GET', '/api/v1/admin/agents?limit=100', {
      token,
    });
    const agent =
      agents.items.find((a) => a.slug === 'bench-stream') ??
      (await meridianCall(meridian.baseUrl, 'POST', '/api/v1/admin/agents', {
        token,
        body: {
          slug: 'bench-stream',
          name: 'Bench stream',
          systemPrompt: 'Stream.',
          provider: 'openai',
          model: 'bench-model',
        },
      }));
    const conversations = [];
    for (let i = 0; i < STREAMS; i++) {
      const c = await meridianCall(meridian.baseUrl, 'POST', '/api/v1/conversations', {
        token,
        body: { agentId: agent.id, title: `bench ${i}` },
      });
      conversations.push(c.id);
    }
    await sleep(1000);
    const idleRss = rssBytes(meridian.pid);
    let peakRss = idleRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(meridian.pid))), 50);
    const lags = [];
    const started = Date.now();
    const results = await Promise.all(
      conversations.map(async (id) => {
        const res = await fetch(`${meridian.baseUrl}/api/v1/conversations/${id}/chat`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            accept: 'text/event-stream',
          },
          body: JSON.stringify({ content: 'stream please' }),
          signal: AbortSignal.timeout(180_000),
        });
        if (res.status !== 200) return { ok: false, status: res.status, deltas: 0 };
        const decoder = new TextDecoder();
        let buffer = '';
        let deltas = 0;
        let final = false;
        for await (const part of res.body) {
          const now = Date.now();
          buffer += decoder.decode(part, { stream: true });
          let sep;
          while ((sep = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, sep);
            buffer = buffer.slice(sep + 2);
            if (frame.startsWith('event: delta')) {
              const sent = Number(/<(\d+)>/.exec(frame)?.[1]);
              if (sent) lags.push(now - sent);
              deltas++;
            } else if (frame.startsWith('event: message')) final = true;
          }
        }
        return { ok: final && deltas === DELTAS, status: 200, deltas };
      }),
    );
    const elapsed = Date.now() - started;
    clearInterval(sampler);
    lags.sort((a, b) => a - b);
    const completed = results.filter((r) => r.ok).length;
    const report = {
      streams: STREAMS,
      deltasPerStream: DELTAS,
      intervalMs: INTERVAL,
      completed,
      failed: results
        .filter((r) => !r.ok)
        .map((r) => r.status)
        .slice(0, 10),
      wallSeconds: elapsed / 1000,
      idealSeconds: (DELTAS * INTERVAL) / 1000,
      addedLatencyMs: {
        p50: percentileSorted(lags, 50),
        p99: percentileSorted(lags, 99),
        max: lags[lags.length - 1],
      },
      rssIdleMiB: +(idleRss / 2 ** 20).toFixed(1),
      rssPeakMiB: +(peakRss / 2 ** 20).toFixed(1),
      rssPerStreamKiB: +((peakRss - idleRss) / STREAMS / 1024).toFixed(1),
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await stopServer(meridian);
    provider.server.closeAllConnections();
    provider.server.close();
    await stopAll();
  }
}

main().catch(async (err) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
