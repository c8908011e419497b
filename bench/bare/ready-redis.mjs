// Bare reference for GET /health/ready with the queue check too: node:http + a pg Pool
// running `SELECT 1` and, in parallel, one Redis round trip (LLEN of the maintenance
// queue's wait list, standing in for BullMQ's getJobCountByTypes('waiting') script).
import http from 'node:http';
import pg from 'pg';
import { Redis } from 'ioredis';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.PG_POOL_SIZE || 10),
  idleTimeoutMillis: 30_000,
  application_name: 'meridian-bench-bare',
});
pool.on('error', () => undefined);
const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);
const waitKey = `${process.env.QUEUE_PREFIX || 'bull'}:maintenance:wait`;

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
    Promise.all([pool.query('SELECT 1'), redis.llen(waitKey)]).then(
      () =>
        send(res, 200, {
          status: 'ok',
          checks: { database: { status: 'up' }, queue: { status: 'up' } },
        }),
      () => send(res, 503, { status: 'error' }),
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
  redis.disconnect();
  void pool.end().finally(() => process.exit(0));
});
