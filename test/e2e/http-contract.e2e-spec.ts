import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixtureModule } from '../fixtures/fixture.module.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  requestId: string;
  errors?: { field: string; rule: string; message: string }[];
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as Problem;
  expect(body).toMatchObject({ status, code });
  expect(body.type).toMatch(/^https:\/\//);
  expect(body.title).toBeTruthy();
  expect(body.detail).toBeTruthy();
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  expect(JSON.stringify(body)).not.toMatch(/\bat \S+\.(ts|js):\d+/);
  return body;
}

describe('HTTP contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '2048' }, [FixtureModule]);
  });
  afterAll(async () => {
    await t.close();
  });

  const valid = { name: 'pencil', count: 3, tag: { label: 'office' } };

  it('accepts a valid body', async () => {
    const res = await t.request('/api/v1/fixtures/items', json(valid));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual(valid);
  });

  it('lists every invalid field, nested ones by path', async () => {
    const res = await t.request(
      '/api/v1/fixtures/items',
      json({ name: 'x'.repeat(51), count: 0, tag: { label: 5 } }),
    );
    const body = await expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = body.errors!.map((e) => e.field).sort();
    expect(fields).toEqual(['count', 'name', 'tag.label', 'tag.label']);
    expect(body.errors!.find((e) => e.field === 'count')!.rule).toBe('min');
  });

  it('rejects unknown properties instead of silently dropping them', async () => {
    const res = await t.request('/api/v1/fixtures/items', json({ ...valid, role: 'admin' }));
    const body = await expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([
      expect.objectContaining({ field: 'role', rule: 'whitelistValidation' }),
    ]);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await t.request('/api/v1/fixtures/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": "pencil",',
    });
    await expectProblem(res, 400, 'MALFORMED_JSON');
  });

  it('answers a wrong content type with 415', async () => {
    const res = await t.request('/api/v1/fixtures/items', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<item/>',
    });
    await expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an oversized body with 413', async () => {
    const res = await t.request(
      '/api/v1/fixtures/items',
      json({ ...valid, name: 'x'.repeat(5000) }),
    );
    await expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a bad id in the path with 400 naming the parameter', async () => {
    const res = await t.request('/api/v1/fixtures/items/not-a-uuid');
    const body = await expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(body.errors![0].field).toBe('id');
    const ok = await t.request('/api/v1/fixtures/items/6F9619FF-8B86-4011-B42D-00CF4FC964FF');
    expect(await ok.json()).toEqual({ id: '6f9619ff-8b86-4011-b42d-00cf4fc964ff' });
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'limit=1e309', 'cursor=!!', 'cursor=bm9wZQ'])(
    'answers absurd query %s with 400',
    async (q) => {
      const res = await t.request(`/api/v1/fixtures/numbers?${q}`);
      await expectProblem(res, 400, 'VALIDATION_FAILED');
    },
  );

  it('pages with an opaque cursor and a bounded limit', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.request(
        `/api/v1/fixtures/numbers?limit=20${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: number[]; nextCursor: string | null };
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
  });

  it('answers unknown routes with 404 and wrong methods with 405 and Allow', async () => {
    await expectProblem(await t.request('/api/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
    const res = await t.request('/api/v1/fixtures/items/6f9619ff-8b86-4011-b42d-00cf4fc964ff', {
      method: 'DELETE',
    });
    await expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('hides the internals of a 500', async () => {
    const res = await t.request('/api/v1/fixtures/boom');
    const body = await expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(JSON.stringify(body)).not.toContain('.ts');
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const sane = await t.request('/health/live', {
      headers: { 'x-request-id': 'client-req-0001' },
    });
    expect(sane.headers.get('x-request-id')).toBe('client-req-0001');
    const unsafe = await t.request('/api/v1/nothing', {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    const generated = unsafe.headers.get('x-request-id')!;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await unsafe.json()) as Problem).requestId).toBe(generated);
  });

  it("sends OWASP's API security headers, and helmet's page set on documents", async () => {
    for (const path of ['/health/live', '/api/v1/auth/me', '/api/v1/no-such-route']) {
      const res = await t.request(path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    const page = await t.request('/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await t.request('/openapi.json');
    expect(doc.status).toBe(200);
    const body = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toMatch(/^3\./);
    expect(body.paths['/health/ready']).toBeDefined();
    const ui = await t.request('/docs');
    expect(ui.status).toBe(200);
    const html = await ui.text();
    expect(html).toContain('swagger');
    // Over plain HTTP the browser must not be told to fetch the assets over https.
    expect(ui.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^https:/);
      const url = new URL(asset, `${t.baseUrl}/docs`);
      expect((await t.request(url.pathname)).status).toBe(200);
    }
  });
});

describe('rate limit and CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      {
        RATE_LIMIT_MAX: '3',
        RATE_LIMIT_WINDOW_MS: '60000',
        CORS_ORIGINS: 'https://app.example.com',
      },
      [FixtureModule],
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 with Retry-After past the limit, and never limits probes', async () => {
    for (let i = 0; i < 3; i++)
      expect((await t.request('/api/v1/fixtures/numbers')).status).toBe(200);
    const res = await t.request('/api/v1/fixtures/numbers');
    await expectProblem(res, 429, 'RATE_LIMITED');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect((await t.request('/health/live')).status).toBe(200);
  });

  it('keeps unknown routes 404 (not 405) with CORS enabled', async () => {
    const res = await t.request('/api/v1/no-such-thing');
    await expectProblem(res, 404, 'ROUTE_NOT_FOUND');
    const known = await t.request('/api/v1/fixtures/numbers', { method: 'DELETE' });
    await expectProblem(known, 405, 'METHOD_NOT_ALLOWED');
    const preflight = await t.request('/api/v1/fixtures/items', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
      },
    });
    expect(preflight.status).toBe(204);
  });

  it('allows configured origins only', async () => {
    const allowed = await t.request('/health/live', {
      headers: { origin: 'https://app.example.com' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await t.request('/health/live', {
      headers: { origin: 'https://evil.example.net' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
