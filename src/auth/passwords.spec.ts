import { describe, expect, it } from '@jest/globals';
import { AppException } from '../core/errors/app.exception.js';
import { assertAcceptablePassword, hashPassword, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('correct horse battery staple');
    expect(h.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(h, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(h, 'wrong horse battery staple')).toBe(false);
    expect(await verifyPassword(null, 'anything at all')).toBe(false);
  });

  it('accepts 8 to 128 characters, counting characters not bytes', () => {
    expect(() => assertAcceptablePassword('Tr0ub4dor&3x')).not.toThrow();
    expect(() => assertAcceptablePassword('ünïcödé✓✓')).not.toThrow();
    expect(() => assertAcceptablePassword('x'.repeat(128) + 'y'.repeat(0))).not.toThrow();
    expect(() => assertAcceptablePassword('short1!')).toThrow(AppException);
    expect(() => assertAcceptablePassword('z'.repeat(129))).toThrow(/at most 128/);
  });

  it.each(['password', 'Password1', '12345678', 'qwertyuiop', 'iloveyou'])(
    'refuses the common password %p',
    (p) => {
      expect(() => assertAcceptablePassword(p)).toThrow(/most common/);
    },
  );

  it('refuses the email name as password', () => {
    expect(() => assertAcceptablePassword('alexander', 'alexander@example.com')).toThrow(
      /email name/,
    );
  });
});
