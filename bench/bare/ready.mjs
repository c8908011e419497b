// Bare reference for GET /health/ready: node:http + a pg Pool (same size as Meridian's)
// running `SELECT 1` per request. Only the database round trip: no migration check, no
// queue round trip (see ready-redis.mjs for that).
import http from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.PG_POOL_SIZE || 10),
  idleTimeoutMillis: 30_000,
  application_name: 'meridian-bench-bare',
});
pool.on('error', () => undefined);

function send(res, status, payload) {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.url === '/bench/up') {
    // The harness's "is it listening" probe (every bare server answers it).
    res.writeHead(200, { 'content-length': 0 });
    res.end();
    return;
  }
  if (req.method === 'GET' && req.url === '/health/ready') {
    pool.query('SELECT 1').then(
      () => send(res, 200, { status: 'ok', checks: { database: { status: 'up' } } }),
      () => send(res, 503, { status: 'error', checks: { database: { status: 'down' } } }),
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
