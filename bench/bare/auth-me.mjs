// Bare reference for GET /api/v1/auth/me: node:http + a pg Pool. Per request: verify the
// RS256 bearer token (jsonwebtoken, KeyObject cached per kid from Meridian's JWKS, fetched
// once at start), one SELECT of the user row by id, and the same JSON shape as Meridian.
import http from 'node:http';
import pg from 'pg';
import { authenticate, loadKeys, permissionsFor, probe, send } from '../lib/bare-auth.mjs';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.PG_POOL_SIZE || 10),
  idleTimeoutMillis: 30_000,
  application_name: 'meridian-bench-bare',
});
pool.on('error', () => undefined);
await loadKeys();

const server = http.createServer((req, res) => {
  if (probe(req, res)) return;
  if (req.method === 'GET' && req.url === '/api/v1/auth/me') {
    authenticate(pool, req).then(
      (user) => {
        if (!user) return send(res, 401, { status: 401, title: 'Unauthorized' });
        const roles = [...user.roles].sort();
        send(res, 200, {
          id: user.id,
          email: user.email,
          emailVerified: user.email_verified_at !== null,
          displayName: user.display_name,
          roles,
          permissions: permissionsFor(roles),
          localAccount: user.local_account,
          createdAt: user.created_at.toISOString(),
        });
      },
      () => send(res, 500, { status: 500 }),
    );
    return;
  }
  res.writeHead(404, { 'content-length': 0 });
  res.end();
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
});
