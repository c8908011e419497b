import { describe, expect, it } from '@jest/globals';
import { Batcher } from './batcher.js';

/** A write whose batches the test sees and finishes by hand. */
function manualWrite() {
  const calls: { items: number[]; done: (fail?: Error) => void }[] = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) =>
      calls.push({
        items,
        done: (fail) => (fail ? reject(fail) : resolve(items.map((i) => `r${i}`))),
      }),
    );
  return { calls, write };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('writes a lone item at once, then everything that arrived meanwhile in one batch', async () => {
    const { calls, write } = manualWrite();
    const batcher = new Batcher(write, 100);
    const first = batcher.submit(1);
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    const later = [batcher.submit(2), batcher.submit(3), batcher.submit(4)];
    await tick();
    expect(calls).toHaveLength(1);
    calls[0].done();
    expect(await first).toBe('r1');
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1].done();
    expect(await Promise.all(later)).toEqual(['r2', 'r3', 'r4']);
  });

  it('caps a batch at maxBatch items', async () => {
    const { calls, write } = manualWrite();
    const batcher = new Batcher(write, 2);
    const all = [1, 2, 3, 4].map((i) => batcher.submit(i));
    calls[0].done();
    await tick();
    calls[1].done();
    await tick();
    calls[2].done();
    expect(await Promise.all(all)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3], [4]]);
  });

  it('rejects the items of a failed batch only, and goes on with the next', async () => {
    const { calls, write } = manualWrite();
    const batcher = new Batcher(write, 10);
    const first = batcher.submit(1);
    const second = batcher.submit(2);
    calls[0].done(new Error('write failed'));
    await expect(first).rejects.toThrow('write failed');
    await tick();
    calls[1].done();
    expect(await second).toBe('r2');
  });
});
