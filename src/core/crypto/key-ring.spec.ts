import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/app-config.js';
import { loadKeyRing, weakKeyReason } from './key-ring.js';

const bytes = (...values: number[]) => Buffer.from(values);

describe('weakKeyReason', () => {
  it.each([
    ['all zero bytes', Buffer.alloc(32), 'every byte is 0x00'],
    ['one repeated byte', Buffer.alloc(32, 0xa7), 'every byte is 0xa7'],
    ['fewer than 32 bytes', randomBytes(31), 'it is 31 bytes, fewer than 32'],
    ['a repeated two-byte pattern', Buffer.alloc(32, bytes(0xde, 0xad)), 'a 2-byte pattern'],
    ['a repeated 16-byte pattern', Buffer.alloc(32, randomBytes(16)), 'a 16-byte pattern'],
    [
      'a counting sequence',
      bytes(...Array.from({ length: 32 }, (_, i) => (250 + 3 * i) % 256)),
      'counting',
    ],
    [
      'few distinct values',
      bytes(...randomBytes(32).map((b) => [1, 9, 17, 40, 41, 77, 90, 200][b % 8])),
      'distinct byte values',
    ],
    ['a typed passphrase', Buffer.from('correct horse battery staple 123'), 'printable text'],
  ])('calls %s weak', (_name, key, reason) => {
    expect(weakKeyReason(key)).toContain(reason);
  });

  it('finds nothing wrong with random keys', () => {
    for (let i = 0; i < 2000; i++) expect(weakKeyReason(randomBytes(32))).toBeUndefined();
  });
});

describe('loadKeyRing', () => {
  it('warns outside production about a weak ENCRYPTION_KEYS key, naming only its id', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'meridian-keys-'));
    try {
      const zeros = Buffer.alloc(32).toString('base64');
      const config = loadConfig({
        NODE_ENV: 'development',
        DATA_DIR: dataDir,
        ENCRYPTION_KEYS: `dev1:${zeros}`,
      });
      const warnings: string[] = [];
      const logger = { warn: (message: string) => void warnings.push(message) };
      const keys = await loadKeyRing(config, logger as never);
      expect(keys.map((k) => k.id)).toEqual(['dev1']);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('ENCRYPTION_KEYS: key "dev1" is weak (every byte is 0x00)');
      expect(warnings[0]).not.toContain(zeros);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
