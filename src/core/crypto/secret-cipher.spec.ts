import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SecretCipher } from './secret-cipher.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('SecretCipher', () => {
  it('round-trips and never repeats a ciphertext', () => {
    const c = new SecretCipher([k1]);
    const a = c.encrypt('ghp_secret');
    expect(a).not.toContain('ghp_secret');
    expect(c.encrypt('ghp_secret')).not.toBe(a);
    expect(c.decrypt(a)).toBe('ghp_secret');
  });

  it('keeps decrypting under an older key after rotation and says what to re-encrypt', () => {
    const old = new SecretCipher([k1]).encrypt('x');
    const rotated = new SecretCipher([k2, k1]);
    expect(rotated.decrypt(old)).toBe('x');
    expect(rotated.needsRotation(old)).toBe(true);
    expect(rotated.needsRotation(rotated.encrypt('x'))).toBe(false);
  });

  it('refuses tampered ciphertext, a wrong context and unknown keys', () => {
    const c = new SecretCipher([k1]);
    const ct = c.encrypt('x', 'user:1');
    expect(() => c.decrypt(ct, 'user:2')).toThrow();
    const parts = ct.split(':');
    parts[4] = Buffer.from('y').toString('base64url');
    expect(() => c.decrypt(parts.join(':'), 'user:1')).toThrow();
    expect(() => new SecretCipher([k2]).decrypt(ct, 'user:1')).toThrow(
      /no encryption key with id k1/,
    );
    // the same key id with other key material: a message an operator can act on
    expect(() =>
      new SecretCipher([{ id: 'k1', key: randomBytes(32) }]).decrypt(ct, 'user:1'),
    ).toThrow(
      /key with id k1 in ENCRYPTION_KEYS does not decrypt a stored secret: its key material differs/,
    );
  });
});
