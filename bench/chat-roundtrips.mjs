#!/usr/bin/env node
// Counts the database round trips of one chat exchange. Meridian (external mode) talks to
// PostgreSQL through a counting proxy (bench/lib/pg-count-proxy.mjs); the script sends
// two exchanges on one conversation with the test provider of bench/chat-streams.mjs:
// the first (untitled conversation: titled after the answer) and a second one (history of
// two messages, no title). Every round trip is listed with the phase of the stream it
// fell in: before the `user-message` event (identity, then the checks and inserts), before
// the first `delta` (history), before the `message` event (saving the answer and the
// usage), and after the stream ended (the title).
//
//   npm run build && node bench/chat-roundtrips.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import http from 'node:http';
import { ensureDatabase, databaseUrl, infraSettings, resetRedisPrefix } from './lib/infra.mjs';
import { AUTH_MERIDIAN_ENV, loginAdmin, meridianCall } from './lib/login.mjs';
import { assertBuilt, startMeridian } from './lib/meridian.mjs';
import { LOOPBACK, freePort, sleep } from './lib/net.mjs';
import { startCountingProxy } from './lib/pg-count-proxy.mjs';
import { installCleanup, spawnServer, stopAll, stopServer, waitForUrl } from './lib/proc.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
installCleanup({ maxMs: 5 * 60_000 });

/** One exchange over node:http; returns the times of its events (performance.now()). */
function exchange(baseUrl, token, conversationId, content) {
  const body = JSON.stringify({ content });
  const times = { start: performance.now() };
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/api/v1/conversations/${conversationId}/chat`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          accept: 'text/event-stream',
        },
      },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`chat answered ${res.statusCode}`));
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (c) => {
          const now = performance.now();
          buffer += c;
          for (const [event, key] of [
            ['event: user-message', 'userMessage'],
            ['event: delta', 'firstDelta'],
            ['event: message', 'message'],
          ]) {
            if (times[key] === undefined && buffer.includes(event)) times[key] = now;
          }
        });
        res.on('end', () => resolve({ ...times, end: performance.now() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const IDENTITY = /\b(users|sessions|revocations?)\b/i;

function phases(trips, t) {
  const rows = [];
  for (const trip of trips) {
    let phase;
    if (trip.at < t.userMessage) phase = IDENTITY.test(trip.sql) ? 'identity' : 'prepare';
    else if (trip.at < t.firstDelta) phase = 'history';
    else if (trip.at < t.message) phase = 'finish + usage';
    else phase = 'after the stream (title)';
    rows.push({ phase, sql: trip.sql.replace(/\s+/g, ' ').trim() });
  }
  return rows;
}

function print(label, rows) {
  const counts = {};
  for (const r of rows) counts[r.phase] = (counts[r.phase] ?? 0) + 1;
  console.log(`\n### ${label}: ${rows.length} round trips`);
  console.log(
    Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  );
  console.log('\n| # | phase | statement |\n|---:|---|---|');
  rows.forEach((r, i) =>
    console.log(
      `| ${i + 1} | ${r.phase} | \`${r.sql.slice(0, 110).replace(/\|/g, '\\|')}${r.sql.length > 110 ? '…' : ''}\` |`,
    ),
  );
}

async function main() {
  assertBuilt();
  const infra = infraSettings();
  await ensureDatabase(infra.adminUrl, infra.database);
  await resetRedisPrefix(infra.redisUrl, infra.queuePrefix);
  const port = await freePort();
  const provider = spawnServer({
    name: 'llm provider',
    args: [path.join(HERE, 'peers', 'llm-stream.mjs')],
    env: { PORT: String(port), HOST: LOOPBACK, DELTAS: '5', INTERVAL_MS: '20' },
  });
  await waitForUrl(provider, `http://${LOOPBACK}:${port}/bench/up`);
  const pgUrl = new URL(databaseUrl(infra.adminUrl, infra.database));
  const proxy = await startCountingProxy({
    host: pgUrl.hostname,
    port: Number(pgUrl.port || 5432),
  });
  const viaProxy = new URL(pgUrl);
  viaProxy.port = String(proxy.port);
  const meridian = await startMeridian({
    mode: 'external',
    databaseUrl: viaProxy.toString(),
    redisUrl: infra.redisUrl,
    queuePrefix: infra.queuePrefix,
    extraEnv: {
      ...AUTH_MERIDIAN_ENV,
      LLM_BASE_URL: `http://${LOOPBACK}:${port}/v1`,
      LLM_MODEL: 'bench-model',
      CHAT_DAILY_LIMITS: '{"default":100000000}',
    },
  });
  try {
    const { token } = await loginAdmin(meridian.baseUrl, pgUrl.toString());
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
    // A warm-up exchange first (code paths loaded, pool connected).
    const warm = await meridianCall(meridian.baseUrl, 'POST', '/api/v1/conversations', {
      token,
      body: { agentId: agent.id, title: 'warm-up' },
    });
    await exchange(meridian.baseUrl, token, warm.id, 'warm up');
    const conversation = await meridianCall(meridian.baseUrl, 'POST', '/api/v1/conversations', {
      token,
      body: { agentId: agent.id },
    });
    await sleep(1500);
    const quietFrom = proxy.trips.length;
    await sleep(1000);
    const background = proxy.trips.length - quietFrom;
    for (const [label, content] of [
      ['first exchange (untitled conversation)', 'first question'],
      ['second exchange (history of 2, titled)', 'second question'],
    ]) {
      const from = proxy.trips.length;
      const times = await exchange(meridian.baseUrl, token, conversation.id, content);
      await sleep(1500); // the title is set after the stream ends
      print(label, phases(proxy.trips.slice(from), times));
    }
    console.log(`\n(${background} round trips in 1 s of idle before: background work, if any)`);
  } finally {
    await stopServer(meridian);
    await proxy.close();
    await stopServer(provider);
    await stopAll();
  }
}

main().catch(async (err) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
