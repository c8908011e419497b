import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { LazyRequestLogger } from './request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const root = pino({ level, redact: { paths: ['password'], censor: '[redacted]' } }, stream);
  return { root, lines };
}

describe('LazyRequestLogger', () => {
  it('makes no child for a level that is off', () => {
    const { root, lines } = capture('warn');
    let children = 0;
    const counting = Object.assign(Object.create(root) as typeof root, {
      child: (...args: Parameters<typeof root.child>) => (children++, root.child(...args)),
    });
    const log = new LazyRequestLogger(counting, { requestId: 'r1' }, {});
    log.info({ a: 1 }, 'not written');
    log.debug('nor this');
    expect(children).toBe(0);
    log.warn({ password: 'secret' }, 'written');
    log.error('once more');
    expect(children).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ requestId: 'r1', msg: 'written', password: '[redacted]' });
    expect(lines[1]).toMatchObject({ requestId: 'r1', msg: 'once more' });
  });

  it('gives children that carry the request id', () => {
    const { root, lines } = capture('info');
    const log = new LazyRequestLogger(root, { requestId: 'r2' }, {});
    log.child({ part: 'x' }).info('nested');
    expect(lines[0]).toMatchObject({ requestId: 'r2', part: 'x', msg: 'nested' });
    expect(log.level).toBe('info');
    expect(log.isLevelEnabled('debug')).toBe(false);
  });
});
