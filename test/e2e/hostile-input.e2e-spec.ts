import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixtureModule } from '../fixtures/fixture.module.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';
import { newUser, type TestUser } from '../support/accounts.js';

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; rule: string; message: string }[];
}

async function problem(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as Problem;
  expect(body).toMatchObject({ status, code });
  return body;
}

const post = (body: string, contentType = 'application/json'): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': contentType },
  body,
});

describe('hostile input', () => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestApp({}, [FixtureModule]);
    user = await newUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('body shape limits', () => {
    it('answers a body nested thousands of levels deep with 400 BODY_TOO_COMPLEX', async () => {
      const deep = '{"tag":'.repeat(5000) + '1' + '}'.repeat(5000);
      const body = await problem(
        await t.request('/api/v1/fixtures/items', post(deep)),
        400,
        'BODY_TOO_COMPLEX',
      );
      expect(body.detail).toMatch(/nested deeper than 32/);
      const arrays = '['.repeat(100_000) + ']'.repeat(100_000);
      await problem(
        await t.request('/api/v1/fixtures/items', post(arrays)),
        400,
        'BODY_TOO_COMPLEX',
      );
    });

    it('accepts nesting up to the limit', async () => {
      const res = await t.request(
        '/api/v1/fixtures/items',
        post(JSON.stringify({ name: 'pencil', count: 1, tag: { label: 'a' } })),
      );
      expect(res.status).toBe(201);
    });

    it('refuses an array of tens of thousands of elements', async () => {
      const many = JSON.stringify({
        name: 'x',
        count: 1,
        tag: { label: 'a' },
        list: Array(50_000).fill(0),
      });
      const body = await problem(
        await t.request('/api/v1/fixtures/items', post(many)),
        400,
        'BODY_TOO_COMPLEX',
      );
      expect(body.detail).toMatch(/more than 1000 elements/);
    });

    it('refuses a body with too many values in all', async () => {
      const wide: Record<string, number> = {};
      for (let i = 0; i < 20_000; i++) wide[`k${i}`] = i;
      await problem(
        await t.request('/api/v1/fixtures/items', post(JSON.stringify(wide))),
        400,
        'BODY_TOO_COMPLEX',
      );
    });

    it('is not fooled by brackets and commas inside strings', async () => {
      const res = await t.request(
        '/api/v1/fixtures/items',
        post(JSON.stringify({ name: '[[[[,,,,{{{{"\\', count: 2, tag: { label: ']]],,}' } })),
      );
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ name: '[[[[,,,,{{{{"\\' });
    });

    it('still refuses prototype poisoning', async () => {
      await problem(
        await t.request(
          '/api/v1/fixtures/items',
          post('{"name":"x","count":1,"tag":{"label":"a"},"__proto__":{"admin":true}}'),
        ),
        400,
        'MALFORMED_JSON',
      );
    });
  });

  describe('only JSON bodies', () => {
    it.each([
      ['application/x-www-form-urlencoded', 'email=a%40example.com&password=x'],
      ['text/plain', '{"email":"a@example.com","password":"x"}'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na\r\n--x--',
      ],
    ])('answers %s with 415 on a public route', async (type, body) => {
      const res = await t.request('/api/v1/auth/login', post(body, type));
      await problem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers a form post to an authenticated route with 415', async () => {
      const res = await t.request('/api/v1/conversations', {
        method: 'POST',
        headers: { ...user.auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'title=hello',
      });
      expect([401, 415]).toContain(res.status);
      await problem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('accepts application/json with a charset', async () => {
      const res = await t.request(
        '/api/v1/fixtures/items',
        post(
          JSON.stringify({ name: 'pencil', count: 1, tag: { label: 'a' } }),
          'application/json; charset=utf-8',
        ),
      );
      expect(res.status).toBe(201);
    });
  });

  describe('strings that cannot be stored', () => {
    it('names a field holding a NUL byte', async () => {
      const body = await problem(
        await t.request(
          '/api/v1/fixtures/items',
          post(JSON.stringify({ name: 'pen\u0000cil', count: 1, tag: { label: 'a' } })),
        ),
        400,
        'VALIDATION_FAILED',
      );
      expect(body.errors).toEqual([
        { field: 'name', rule: 'wellFormedString', message: 'name contains a NUL character' },
      ]);
    });

    it('names a nested field holding a lone surrogate', async () => {
      const body = await problem(
        await t.request(
          '/api/v1/fixtures/items',
          post('{"name":"pencil","count":1,"tag":{"label":"\\ud800x"}}'),
        ),
        400,
        'VALIDATION_FAILED',
      );
      expect(body.errors).toEqual([
        {
          field: 'tag.label',
          rule: 'wellFormedString',
          message: 'tag.label contains invalid Unicode (a lone surrogate)',
        },
      ]);
    });

    it('refuses a body that is not valid UTF-8 instead of storing replacement characters', async () => {
      const bytes = Buffer.concat([
        Buffer.from('{"name":"pen'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('cil","count":1,"tag":{"label":"a"}}'),
      ]);
      const res = await t.request('/api/v1/fixtures/items', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: bytes,
      });
      const body = await problem(res, 400, 'MALFORMED_JSON');
      expect(body.detail).toMatch(/UTF-8/);
    });

    it('keeps a NUL out of PostgreSQL on a real route (profile name) and out of the email validator', async () => {
      const patch = await t.request('/api/v1/auth/me', {
        method: 'PATCH',
        headers: { ...user.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'Ann\u0000' }),
      });
      const body = await problem(patch, 400, 'VALIDATION_FAILED');
      expect(body.errors![0].field).toBe('displayName');
      const login = await t.request(
        '/api/v1/auth/login',
        post(JSON.stringify({ email: '\ud800@example.com', password: 'whatever password' })),
      );
      expect((await problem(login, 400, 'VALIDATION_FAILED')).errors![0].field).toBe('email');
      const me = (await (await t.request('/api/v1/auth/me', { headers: user.auth })).json()) as {
        displayName: string;
      };
      expect(me.displayName).toBe('Test User');
    });

    it('names a query parameter holding a NUL byte, a lone surrogate or broken percent-encoding', async () => {
      for (const q of ['%00', '%ED%A0%80', '%C3%28', '%E2%82']) {
        const res = await t.request(`/api/v1/conversations?q=${q}`, { headers: user.auth });
        const body = await problem(res, 400, 'VALIDATION_FAILED');
        expect(body.errors![0].field).toBe('q');
      }
      const ok = await t.request('/api/v1/conversations?q=%C3%A9t%C3%A9', { headers: user.auth });
      expect(ok.status).toBe(200);
    });

    it('names a path parameter holding a NUL byte or a lone surrogate', async () => {
      for (const slug of ['%00', 'a%00b']) {
        const res = await t.request(`/api/v1/agents/${slug}`, { headers: user.auth });
        const body = await problem(res, 400, 'VALIDATION_FAILED');
        expect(body.errors![0].field).toBe('idOrSlug');
      }
      // Not UTF-8 at all (a lone surrogate's bytes, a cut sequence): the path is refused.
      for (const slug of ['%ED%A0%80', '%E2%82']) {
        const res = await t.request(`/api/v1/agents/${slug}`, { headers: user.auth });
        const body = await problem(res, 400, 'VALIDATION_FAILED');
        expect(body.errors![0].field).toBe('path');
      }
    });
  });
});
