import { describe, expect, it } from '@jest/globals';
import { canonicalJson, entryHash, GENESIS_HASH, type ChainedFields } from './audit-chain.js';
import { redact, REDACTED } from './redact.js';

const fields: ChainedFields = {
  id: '6f9619ff-8b86-4011-b42d-00cf4fc964ff',
  occurredAt: new Date('2026-01-01T00:00:00.000Z'),
  actorId: null,
  action: 'auth.sign-in',
  targetType: 'user',
  targetId: 'u1',
  before: null,
  after: { b: 1, a: [1, { d: 2, c: 3 }] },
  ip: '127.0.0.1',
  userAgent: 'jest',
  requestId: 'req-12345678',
};

describe('audit chain', () => {
  it('serializes objects with sorted keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":0,"y":1}]},"b":1}',
    );
  });

  it('hashes the same entry the same way whatever the key order', () => {
    const reordered = { ...fields, after: { a: [1, { c: 3, d: 2 }], b: 1 } };
    expect(entryHash(GENESIS_HASH, reordered)).toBe(entryHash(GENESIS_HASH, fields));
  });

  it('changes the hash when any field or the previous hash changes', () => {
    const base = entryHash(GENESIS_HASH, fields);
    expect(entryHash('1'.repeat(64), fields)).not.toBe(base);
    expect(entryHash(GENESIS_HASH, { ...fields, action: 'auth.sign-out' })).not.toBe(base);
    expect(
      entryHash(GENESIS_HASH, { ...fields, after: { b: 2, a: [1, { d: 2, c: 3 }] } }),
    ).not.toBe(base);
  });
});

describe('redact', () => {
  it('replaces secrets at any depth and keeps the rest', () => {
    expect(
      redact({
        email: 'a@example.com',
        password: 'hunter2',
        nested: { apiKey: 'k', clientSecret: 's', list: [{ accessToken: 't', name: 'n' }] },
        passwordHash: '$argon2id$...',
      }),
    ).toEqual({
      email: 'a@example.com',
      password: REDACTED,
      nested: {
        apiKey: REDACTED,
        clientSecret: REDACTED,
        list: [{ accessToken: REDACTED, name: 'n' }],
      },
      passwordHash: REDACTED,
    });
  });

  it('turns values JSON cannot hold into JSON', () => {
    expect(redact({ at: new Date(0), n: Number.NaN, u: undefined })).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      n: null,
    });
    expect(redact(undefined)).toBeNull();
  });
});
