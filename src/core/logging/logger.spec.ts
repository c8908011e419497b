import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { REDACTED_PATHS, redactUrl } from './logger.js';

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
});
