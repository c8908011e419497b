import { describe, expect, it } from '@jest/globals';
import { messageIdFor, senderDomain } from './message-id.js';

const ID = '0b6f8e1c-6a0c-4c55-9a53-1f2e3d4c5b6a';

describe('messageIdFor', () => {
  it('is the mail id at the domain of MAIL_FROM, the same on every call', () => {
    expect(messageIdFor(ID, 'Meridian <no-reply@Mail.Example.com>')).toBe(
      `<${ID}@mail.example.com>`,
    );
    expect(messageIdFor(ID, 'Meridian <no-reply@mail.example.com>')).toBe(
      messageIdFor(ID, 'Meridian <no-reply@mail.example.com>'),
    );
  });

  it('reads a bare address and a quoted display name containing @', () => {
    expect(senderDomain('no-reply@example.org')).toBe('example.org');
    expect(senderDomain('"support@evil.test" <no-reply@example.org>')).toBe('example.org');
  });

  it('writes an internationalised domain in ASCII', () => {
    expect(senderDomain('Meridian <no-reply@exämple.de>')).toBe('xn--exmple-cua.de');
  });

  it('falls back to meridian.local when MAIL_FROM has no usable domain', () => {
    expect(senderDomain('Meridian')).toBe('meridian.local');
    expect(senderDomain('no-reply@')).toBe('meridian.local');
    expect(senderDomain('no-reply@[127.0.0.1]')).toBe('meridian.local');
  });
});
