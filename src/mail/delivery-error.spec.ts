import { describe, expect, it } from '@jest/globals';
import { describeDeliveryError } from './delivery-error.js';

const SMTP_URL = 'smtps://mailer%40corp:p%40ss-W0rd!@smtp.example.com:465';

describe('describeDeliveryError', () => {
  it('keeps the message of an error', () => {
    expect(describeDeliveryError(new Error('Message failed: 451 try later'), SMTP_URL)).toBe(
      'Message failed: 451 try later',
    );
  });

  it("removes SMTP_URL's user and password, raw, decoded and base64-encoded", () => {
    const plain = Buffer.from('\u0000mailer@corp\u0000p@ss-W0rd!').toString('base64');
    const message = [
      'connect to smtps://mailer%40corp:p%40ss-W0rd!@smtp.example.com:465 failed',
      'Invalid login for mailer@corp with p@ss-W0rd!',
      `AUTH PLAIN ${plain}`,
      `AUTH LOGIN ${Buffer.from('p@ss-W0rd!').toString('base64')}`,
    ].join('; ');
    const safe = describeDeliveryError(new Error(message), SMTP_URL);
    for (const secret of ['p@ss-W0rd!', 'p%40ss-W0rd!', 'mailer@corp', 'mailer%40corp', plain]) {
      expect(safe).not.toContain(secret);
    }
    expect(safe).not.toContain(Buffer.from('p@ss-W0rd!').toString('base64'));
    expect(safe).toContain('smtp.example.com:465');
  });

  it('removes user:password from any URL even without SMTP_URL', () => {
    expect(describeDeliveryError(new Error('redis://default:hunter2@cache:6379 refused'))).toBe(
      'redis://***@cache:6379 refused',
    );
  });

  it('bounds the length and handles non-errors', () => {
    expect(describeDeliveryError(new Error('x'.repeat(5000))).length).toBe(1000);
    expect(describeDeliveryError('plain string')).toBe('plain string');
    expect(describeDeliveryError(new Error(''))).toBe('unknown delivery error');
  });
});
