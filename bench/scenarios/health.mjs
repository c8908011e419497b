// The health endpoints: /health/live (no I/O) and /health/ready (database ping, cached
// migration check, queue backend round trip), each beside bare node:http references.
export default {
  name: 'health',
  targets: (ctx) => [
    { name: 'GET /health/live', path: '/health/live', bare: 'live' },
    {
      name: 'GET /health/ready',
      path: '/health/ready',
      // ready: SELECT 1 only (the requested floor); ready-redis: SELECT 1 + one Redis
      // round trip, i.e. the same I/O as Meridian's readiness when it runs on Redis.
      bare: ctx.redisUrl ? ['ready', 'ready-redis'] : ['ready'],
    },
  ],
};
