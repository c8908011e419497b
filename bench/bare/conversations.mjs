// Bare reference for GET /api/v1/conversations and GET /api/v1/conversations/{id}/messages:
// node:http + a pg Pool. Per request, the same token check as bare/auth-me.mjs (RS256
// verify + the user row) and the same keyset queries as Meridian's repositories (the
// messages list first checks the conversation is the caller's, as Meridian does), then
// the same page JSON: { items, nextCursor } with a base64url JSON cursor.
import http from 'node:http';
import pg from 'pg';
import { authenticate, loadKeys, probe, send } from '../lib/bare-auth.mjs';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.PG_POOL_SIZE || 10),
  idleTimeoutMillis: 30_000,
  application_name: 'meridian-bench-bare',
});
pool.on('error', () => undefined);
await loadKeys();

const CONVERSATIONS_SQL = `SELECT id, user_id, agent_id, title, title_source, message_count, last_message_at,
       last_activity_at, created_at, updated_at
  FROM conversations WHERE user_id = $1
 ORDER BY last_activity_at DESC, id DESC LIMIT $2`;
// The same row Meridian's findOwned reads (all columns), though only its presence matters here.
const OWNED_SQL = `SELECT id, user_id, agent_id, title, title_source, message_count, last_message_at,
       last_activity_at, created_at, updated_at FROM conversations WHERE id = $1 AND user_id = $2`;
const MESSAGES_SQL = `SELECT id, conversation_id, role, content, status, model, prompt_tokens,
       completion_tokens, error_code, created_at
  FROM messages WHERE conversation_id = $1
 ORDER BY created_at ASC, id ASC LIMIT $2`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MESSAGES_PATH = /^\/api\/v1\/conversations\/([^/?]+)\/messages$/;

const cursor = (at, id) =>
  Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');

function page(rows, limit, map, key) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: more && last ? key(last) : null };
}

const conversationDto = (c) => ({
  id: c.id,
  agentId: c.agent_id,
  title: c.title,
  titleSource: c.title_source,
  messageCount: c.message_count,
  lastMessageAt: c.last_message_at?.toISOString() ?? null,
  lastActivityAt: c.last_activity_at.toISOString(),
  createdAt: c.created_at.toISOString(),
  updatedAt: c.updated_at.toISOString(),
});

const messageDto = (m) => ({
  id: m.id,
  conversationId: m.conversation_id,
  role: m.role,
  content: m.content,
  status: m.status,
  model: m.model,
  promptTokens: m.prompt_tokens,
  completionTokens: m.completion_tokens,
  errorCode: m.error_code,
  createdAt: m.created_at.toISOString(),
});

function limitOf(searchParams) {
  const raw = searchParams.get('limit');
  const n = raw === null ? 20 : Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : null;
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://bare');
  const messages = MESSAGES_PATH.exec(url.pathname);
  if (req.method !== 'GET' || (url.pathname !== '/api/v1/conversations' && !messages)) {
    res.writeHead(404, { 'content-length': 0 });
    res.end();
    return;
  }
  const limit = limitOf(url.searchParams);
  if (limit === null) return send(res, 400, { status: 400, title: 'Validation failed' });
  if (messages && !UUID.test(messages[1])) return send(res, 400, { status: 400 });
  const user = await authenticate(pool, req);
  if (!user) return send(res, 401, { status: 401, title: 'Unauthorized' });
  if (!messages) {
    const { rows } = await pool.query(CONVERSATIONS_SQL, [user.id, limit + 1]);
    return send(
      res,
      200,
      page(rows, limit, conversationDto, (r) => cursor(r.last_activity_at, r.id)),
    );
  }
  const owned = await pool.query(OWNED_SQL, [messages[1], user.id]);
  if (owned.rowCount === 0) return send(res, 404, { status: 404, title: 'Not Found' });
  const { rows } = await pool.query(MESSAGES_SQL, [messages[1], limit + 1]);
  send(
    res,
    200,
    page(rows, limit, messageDto, (r) => cursor(r.created_at, r.id)),
  );
}

const server = http.createServer((req, res) => {
  if (probe(req, res)) return;
  handle(req, res).catch(() => send(res, 500, { status: 500 }));
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
});
