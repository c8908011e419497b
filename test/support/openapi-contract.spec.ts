import { describe, expect, it } from '@jest/globals';
import {
  checkEvent,
  ContractViolation,
  OpenApiContract,
  type OpenApiDocument,
} from './openapi-contract.js';

const problem = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    status: { type: 'integer' },
    errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
  },
  required: ['code', 'status'],
};

const document: OpenApiDocument = {
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          '200': {
            headers: { 'X-Request-Id': { required: true, schema: { type: 'string' } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '404': {
            content: {
              'application/problem+json': {
                schema: {
                  type: 'object',
                  allOf: [{ $ref: '#/components/schemas/Problem' }],
                  properties: { code: { type: 'string', enum: ['THING_NOT_FOUND'] } },
                },
              },
            },
          },
        },
      },
      delete: { responses: { '202': {}, '204': {} } },
    },
    '/things/{id}/events': {
      get: {
        responses: {
          '200': {
            content: {
              'text/event-stream': {
                schema: {
                  type: 'object',
                  properties: {
                    event: { enum: ['tick'] },
                    data: { $ref: '#/components/schemas/Thing' },
                  },
                  required: ['event', 'data'],
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          label: { type: 'string', nullable: true, enum: ['a', 'b', null] },
          tags: { type: 'object', additionalProperties: { type: 'string' } },
        },
        required: ['id', 'label'],
      },
      FieldError: {
        type: 'object',
        properties: { field: { type: 'string' } },
        required: ['field'],
      },
      Problem: problem,
    },
    responses: {
      RouteNotFound: {
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      },
      MethodNotAllowed: {
        headers: { Allow: { required: true, schema: { type: 'string' } } },
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      },
    },
  },
};

const ID = '0b9f4b52-96a4-4a3e-9d4e-3f7a0c3b9e11';
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': 'r-12345678',
      ...headers,
    },
  });
const problemOf = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
  });

describe('the OpenAPI contract check', () => {
  const contract = new OpenApiContract(document);
  const check = (res: Response, method = 'GET', path = `/things/${ID}`) =>
    contract.check(method, path, res);

  it('accepts a response that matches its operation', async () => {
    await expect(check(json({ id: ID, label: null, tags: { x: 'y' } }))).resolves.toBeUndefined();
    await expect(
      check(problemOf({ code: 'THING_NOT_FOUND', status: 404 }, 404)),
    ).resolves.toBeUndefined();
    await expect(check(new Response(null, { status: 204 }), 'DELETE')).resolves.toBeUndefined();
  });

  it('leaves the body readable for the test', async () => {
    const res = json({ id: ID, label: 'a' });
    await check(res);
    await expect(res.json()).resolves.toEqual({ id: ID, label: 'a' });
  });

  it('rejects an undocumented status', async () => {
    await expect(check(json({ id: ID, label: 'a' }, 201))).rejects.toThrow(
      /status 201 is not documented/,
    );
  });

  it('rejects a content type the response does not document', async () => {
    const res = new Response(JSON.stringify({ id: ID, label: 'a' }), {
      headers: { 'content-type': 'text/plain', 'x-request-id': 'r-12345678' },
    });
    await expect(check(res)).rejects.toThrow(/content type text\/plain is not documented/);
    await expect(check(json({ code: 'THING_NOT_FOUND', status: 404 }, 404))).rejects.toThrow(
      /application\/json is not documented/,
    );
  });

  it('rejects an undocumented member, also in nested and composed schemas', async () => {
    await expect(check(json({ id: ID, label: 'a', secret: 'x' }))).rejects.toThrow(
      /unevaluated properties/,
    );
    await expect(
      check(problemOf({ code: 'THING_NOT_FOUND', status: 404, stack: 'at …' }, 404)),
    ).rejects.toThrow(ContractViolation);
    await expect(
      check(
        problemOf(
          { code: 'THING_NOT_FOUND', status: 404, errors: [{ field: 'id', sql: 'SELECT' }] },
          404,
        ),
      ),
    ).rejects.toThrow(/errors\/0/);
  });

  it('rejects a mistyped or missing member and a value outside an enum', async () => {
    await expect(check(json({ id: 42, label: 'a' }))).rejects.toThrow(/\/id must be string/);
    await expect(check(json({ id: 'not-a-uuid', label: 'a' }))).rejects.toThrow(/format "uuid"/);
    await expect(check(json({ id: ID }))).rejects.toThrow(/must have required property 'label'/);
    await expect(check(json({ id: ID, label: 'c' }))).rejects.toThrow(/allowed values/);
    await expect(check(problemOf({ code: 'OTHER', status: 404 }, 404))).rejects.toThrow(
      /code must be equal to one of the allowed values/,
    );
  });

  it('rejects a missing required header and a body where none is documented', async () => {
    const res = new Response(JSON.stringify({ id: ID, label: 'a' }), {
      headers: { 'content-type': 'application/json' },
    });
    await expect(check(res)).rejects.toThrow(/X-Request-Id header is missing/);
    await expect(check(new Response('gone', { status: 202 }), 'DELETE')).rejects.toThrow(
      /documents no body/,
    );
  });

  it('holds undocumented paths and methods to the shared 404 and 405 responses', async () => {
    await expect(
      check(problemOf({ code: 'ROUTE_NOT_FOUND', status: 404 }, 404), 'GET', '/nowhere'),
    ).resolves.toBeUndefined();
    await expect(check(json({}, 200), 'GET', '/nowhere')).rejects.toThrow(/only 404/);
    await expect(
      check(problemOf({ code: 'METHOD_NOT_ALLOWED', status: 405 }, 405, { allow: 'GET' }), 'PUT'),
    ).resolves.toBeUndefined();
    await expect(
      check(problemOf({ code: 'METHOD_NOT_ALLOWED', status: 405 }, 405), 'PUT'),
    ).rejects.toThrow(/Allow header is missing/);
  });

  it('checks each event of a stream against the event schema', async () => {
    const res = new Response('', { headers: { 'content-type': 'text/event-stream' } });
    await check(res, 'GET', `/things/${ID}/events`);
    expect(() => checkEvent(res, { event: 'tick', data: { id: ID, label: 'b' } })).not.toThrow();
    expect(() => checkEvent(res, { event: 'tock', data: { id: ID, label: 'b' } })).toThrow(
      ContractViolation,
    );
    expect(() =>
      checkEvent(res, { event: 'tick', data: { id: ID, label: 'b', extra: 1 } }),
    ).toThrow(/unevaluated properties/);
    expect(() => checkEvent(new Response(''), { event: 'tick', data: {} })).toThrow(
      /did not come through the contract check/,
    );
  });
});

describe('the contract as one app serves it', () => {
  const served: OpenApiDocument = {
    paths: {
      '/health/live': { get: { responses: {} } },
      '/api/v1/fixtures/things': { post: { responses: { '201': {} } } },
    },
    components: { schemas: {} },
  };
  const contract = OpenApiContract.forApp(served);
  const problem = (status: number, extra: Record<string, unknown> = {}) =>
    new Response(
      JSON.stringify({
        type: 'https://meridian.dev/problems/x',
        title: 'X',
        status,
        detail: 'x',
        code: 'X',
        instance: '/x',
        requestId: 'r-12345678',
        ...extra,
      }),
      {
        status,
        headers: { 'content-type': 'application/problem+json', 'x-request-id': 'r-12345678' },
      },
    );

  it('treats documented routes the app does not serve as unknown paths there', async () => {
    await expect(
      contract.check('GET', '/api/v1/auth/me', problem(404, { code: 'ROUTE_NOT_FOUND' })),
    ).resolves.toBeUndefined();
  });

  it('holds test fixtures to problem details for errors, with extension members', async () => {
    await expect(
      contract.check('POST', '/api/v1/fixtures/things', problem(429, { limit: 2 })),
    ).resolves.toBeUndefined();
    await expect(
      contract.check('POST', '/api/v1/fixtures/things', problem(400, { status: 'bad' })),
    ).rejects.toThrow(/status must be integer/);
    await expect(
      contract.check('POST', '/api/v1/fixtures/things', json({ anything: true }, 201)),
    ).resolves.toBeUndefined();
  });
});

describe('the committed openapi.json', () => {
  it('compiles: every response schema is valid JSON Schema for the check', () => {
    const contract = OpenApiContract.committed();
    expect(contract.compileAll()).toBeGreaterThan(100);
  });
});
