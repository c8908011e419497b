// Listing conversations and messages on a seeded database: 10,000 users, 100,000
// conversations (10 per user) and 1,000,000 messages (10 per conversation) in the
// background, plus the bench admin's own 25 conversations of 40 messages each (so a
// limit=20 page is full and has a next cursor on both endpoints). Seeded with SQL
// (generate_series) straight into the bench database after Meridian migrated it; kept
// across runs (skipped when present), and re-seeded after a cold-start run recreated it.
//
// Targets, as the admin (token from POST /api/v1/auth/login):
//   GET /api/v1/conversations?limit=20               (keyset on last_activity_at, id)
//   GET /api/v1/conversations/{id}/messages?limit=20 (ownership check + keyset on created_at, id)
// each beside bare/conversations.mjs (same token check, same queries, same JSON).
import pg from 'pg';
import { AUTH_MERIDIAN_ENV, loginAdmin } from '../lib/login.mjs';

const SEED_ISSUER = 'https://seed.bench.invalid';
const USERS = 10_000;
const CONVERSATIONS_PER_USER = 10;
const MESSAGES_PER_CONVERSATION = 10;
const ADMIN_CONVERSATIONS = 25;
const ADMIN_MESSAGES = 40;

function log(message) {
  process.stderr.write(
    `[bench ${new Date().toISOString().slice(11, 19)}] conversations: ${message}\n`,
  );
}

async function timed(client, what, sql, params) {
  const t0 = performance.now();
  const r = await client.query(sql, params);
  const ms = performance.now() - t0;
  log(`${what}: ${r.rowCount ?? ''} rows in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

/** Seeds the background rows unless present; returns the timings (ms) or null if skipped. */
async function seedBackground(client, agentId) {
  const { rows } = await client.query('SELECT count(*)::int AS n FROM users WHERE issuer = $1', [
    SEED_ISSUER,
  ]);
  if (rows[0].n === USERS) return null;
  if (rows[0].n !== 0) {
    // A partial seed (interrupted run): start over (conversations and messages cascade).
    await client.query('DELETE FROM users WHERE issuer = $1', [SEED_ISSUER]);
  }
  const t = {};
  const t0 = performance.now();
  await client.query('BEGIN');
  // Bench database only: no WAL flush wait, and no per-row FK trigger (the rows are
  // consistent by construction). Both are local to this transaction.
  await client.query('SET LOCAL synchronous_commit = off');
  await client.query("SET LOCAL session_replication_role = 'replica'");
  t.users = await timed(
    client,
    'users',
    `INSERT INTO users (id, issuer, subject, email, display_name, roles, status)
     SELECT gen_random_uuid(), $1, 'seed-' || i, 'seed' || i || '@bench.invalid', 'Seed user ' || i, '{}', 'active'
       FROM generate_series(1, $2::int) i`,
    [SEED_ISSUER, USERS],
  );
  // last_activity_at spread over the past year; the conversation's timestamps and its
  // messages' follow from it.
  t.conversations = await timed(
    client,
    'conversations',
    `INSERT INTO conversations (user_id, agent_id, title, title_source, message_count,
                                last_message_at, last_activity_at, created_at, updated_at)
     SELECT s.user_id, $2::uuid, 'Seeded conversation ' || s.c, 'user', $4::int, s.at, s.at,
            s.at - interval '1 hour', s.at
       FROM (SELECT u.id AS user_id, c,
                    date_trunc('milliseconds', now() - random() * interval '365 days') AS at
               FROM users u CROSS JOIN generate_series(1, $3::int) c
              WHERE u.issuer = $1) s`,
    [SEED_ISSUER, agentId, CONVERSATIONS_PER_USER, MESSAGES_PER_CONVERSATION],
  );
  t.messages = await timed(
    client,
    'messages',
    `INSERT INTO messages (conversation_id, role, content, status, created_at)
     SELECT c.id, CASE WHEN m % 2 = 1 THEN 'user' ELSE 'assistant' END::message_role,
            'Seeded message ' || m || ': a line of chat about as long as a short question or answer.',
            'complete', c.last_activity_at - ($2::int - m) * interval '1 minute'
       FROM conversations c JOIN users u ON u.id = c.user_id AND u.issuer = $1
            CROSS JOIN generate_series(1, $2::int) m`,
    [SEED_ISSUER, MESSAGES_PER_CONVERSATION],
  );
  await client.query('COMMIT');
  t.analyze = await timed(client, 'analyze', 'ANALYZE users, conversations, messages');
  t.total = performance.now() - t0;
  log(
    `seeded ${USERS} users, ${USERS * CONVERSATIONS_PER_USER} conversations, ${
      USERS * CONVERSATIONS_PER_USER * MESSAGES_PER_CONVERSATION
    } messages in ${(t.total / 1000).toFixed(1)} s`,
  );
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]));
}

/** The admin's own conversations and messages (replaced on every run). */
async function seedAdmin(client, userId, agentId) {
  await client.query('BEGIN');
  await client.query('DELETE FROM conversations WHERE user_id = $1', [userId]);
  await client.query(
    `INSERT INTO conversations (user_id, agent_id, title, title_source, message_count,
                                last_message_at, last_activity_at, created_at, updated_at)
     SELECT $1::uuid, $2::uuid, 'Bench conversation ' || c, 'user', $4::int, s.at, s.at, s.at - interval '1 day', s.at
       FROM generate_series(1, $3::int) c,
            LATERAL (SELECT date_trunc('milliseconds', now() - c * interval '1 hour') AS at) s`,
    [userId, agentId, ADMIN_CONVERSATIONS, ADMIN_MESSAGES],
  );
  await client.query(
    `INSERT INTO messages (conversation_id, role, content, status, created_at)
     SELECT c.id, CASE WHEN m % 2 = 1 THEN 'user' ELSE 'assistant' END::message_role,
            'Bench message ' || m || ': a line of chat about as long as a short question or answer.',
            'complete', c.last_activity_at - ($2::int - m) * interval '1 minute'
       FROM conversations c CROSS JOIN generate_series(1, $2::int) m
      WHERE c.user_id = $1`,
    [userId, ADMIN_MESSAGES],
  );
  await client.query('COMMIT');
  await client.query('ANALYZE conversations, messages');
  const { rows } = await client.query(
    `SELECT id FROM conversations WHERE user_id = $1 ORDER BY last_activity_at DESC, id DESC LIMIT 1`,
    [userId],
  );
  return rows[0].id;
}

export default {
  name: 'conversations',
  meridianEnv: AUTH_MERIDIAN_ENV,
  async setup(ctx) {
    const { token, user } = await loginAdmin(ctx.meridian.baseUrl, ctx.databaseUrl);
    const client = new pg.Client({
      connectionString: ctx.databaseUrl,
      application_name: 'meridian-bench-seed',
    });
    await client.connect();
    try {
      const agent = await client.query("SELECT id FROM agents WHERE slug = 'assistant'");
      if (!agent.rows[0]) throw new Error("bench: no seeded 'assistant' agent");
      const agentId = agent.rows[0].id;
      const seedMs = await seedBackground(client, agentId);
      if (!seedMs) log('background rows already seeded; reusing them');
      const conversationId = await seedAdmin(client, user.id, agentId);
      const counts = (
        await client.query(
          `SELECT (SELECT count(*) FROM users)::int AS users,
                  (SELECT count(*) FROM conversations)::int AS conversations,
                  (SELECT count(*) FROM messages)::int AS messages`,
        )
      ).rows[0];
      log(`database: ${JSON.stringify(counts)}`);
      return { token, conversationId, info: { seedMs, counts } };
    } finally {
      await client.end();
    }
  },
  targets: (ctx) => {
    const headers = { authorization: `Bearer ${ctx.state.token}` };
    return [
      {
        name: 'GET /api/v1/conversations?limit=20',
        path: '/api/v1/conversations?limit=20',
        headers,
        bare: 'conversations',
      },
      {
        name: 'GET /api/v1/conversations/{id}/messages?limit=20',
        path: `/api/v1/conversations/${ctx.state.conversationId}/messages?limit=20`,
        headers,
        bare: 'conversations',
      },
    ];
  },
};
