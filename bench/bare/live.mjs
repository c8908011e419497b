// Bare reference for GET /health/live: node:http answering the same JSON body and the
// same content-type and cache-control headers as Meridian, no framework, no I/O.
import http from 'node:http';

const server = http.createServer((req, res) => {
  if (req.url === '/bench/up') {
    // The harness's "is it listening" probe (every bare server answers it).
    res.writeHead(200, { 'content-length': 0 });
    res.end();
    return;
  }
  if (req.method === 'GET' && req.url === '/health/live') {
    const body = JSON.stringify({
      status: 'ok',
      uptimeSeconds: Math.round(process.uptime() * 10) / 10,
    });
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  res.writeHead(404, { 'content-length': 0 });
  res.end();
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
