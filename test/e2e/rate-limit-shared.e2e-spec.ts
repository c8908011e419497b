import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixtureModule } from '../fixtures/fixture.module.js';
import { uniqueName } from '../setup/test-database.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

// Replicas share rate-limit counters through Redis; without Redis each process counts
// alone (documented), so this suite runs in the Redis configuration (CI runs both).
const withRedis = process.env.TEST_REDIS_URL ? describe : describe.skip;

withRedis('rate limit shared across replicas (Redis)', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { RATE_LIMIT_MAX: '3', QUEUE_PREFIX: uniqueName('rl') };
    a = await startTestApp(env, [FixtureModule]);
    b = await startTestApp(env, [FixtureModule]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('counts requests to every replica against one limit', async () => {
    expect((await a.request('/api/v1/fixtures/numbers')).status).toBe(200);
    expect((await a.request('/api/v1/fixtures/numbers')).status).toBe(200);
    expect((await b.request('/api/v1/fixtures/numbers')).status).toBe(200);
    const limited = await b.request('/api/v1/fixtures/numbers');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });
});
