import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { REDACTED_PATHS, redactRequestUrl, redactUrl } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
  return { logger, lines };
}

describe('log redaction', () => {
  it('hides authorization headers, cookies, passwords, tokens and credentials', () => {
    const { logger, lines } = capture();
    logger.info({
      req: { headers: { authorization: 'Bearer eyJsecret', cookie: 'sid=abc' } },
      body: { password: 'hunter22', refreshToken: 'r-secret', credentials: { key: 'k-secret' } },
      password: 'top-level-secret',
    });
    const out = lines.join('');
    for (const secret of [
      'eyJsecret',
      'sid=abc',
      'hunter22',
      'r-secret',
      'k-secret',
      'top-level-secret',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
  });

  it('removes the password from connection URLs', () => {
    expect(redactUrl('postgres://meridian:s3cret@db:5432/app')).toBe(
      'postgres://meridian:***@db:5432/app',
    );
    expect(redactUrl('not a url')).toBe('[unparseable url]');
  });

  it('hides the values of sensitive query parameters in request URLs', () => {
    expect(
      redactRequestUrl(
        '/account/verify-email?token=abc123&lang=en&access_token=eyJ&code=c0de&state=s7&new_password=p&client_secret=x&q=hello',
      ),
    ).toBe(
      '/account/verify-email?token=[redacted]&lang=en&access_token=[redacted]&code=[redacted]&state=[redacted]&new_password=[redacted]&client_secret=[redacted]&q=hello',
    );
    expect(redactRequestUrl('/api/v1/conversations?limit=20')).toBe(
      '/api/v1/conversations?limit=20',
    );
    expect(redactRequestUrl('/x?%74oken=abc')).toBe('/x?%74oken=[redacted]');
    expect(redactRequestUrl('/x?%E2%82=abc')).toBe('/x?%E2%82=[redacted]');
    expect(redactRequestUrl('/x?apiKey=k&API_KEY=k&Password=p')).toBe(
      '/x?apiKey=[redacted]&API_KEY=[redacted]&Password=[redacted]',
    );
  });
});
