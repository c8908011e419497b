import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

export type ReadOutcome =
  | { kind: 'text'; text: string; bytes: number }
  | { kind: 'binary' | 'too_large' | 'not_regular' | 'missing' };

/**
 * Reads a tracked file of the checkout as UTF-8 text: never through a symlink (O_NOFOLLOW,
 * and only regular files), never more than `maxBytes`, and not when it looks binary (a NUL
 * byte in its first 8,000 bytes, as git decides).
 */
export async function readTrackedText(
  dir: string,
  rel: string,
  maxBytes: number,
): Promise<ReadOutcome> {
  let handle;
  try {
    handle = await open(path.join(dir, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    // ELOOP: the path is a symlink (O_NOFOLLOW refused to follow it)
    return { kind: (err as NodeJS.ErrnoException).code === 'ELOOP' ? 'not_regular' : 'missing' };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { kind: 'not_regular' };
    if (st.size > maxBytes) return { kind: 'too_large' };
    const buf = await handle.readFile();
    if (buf.length > maxBytes) return { kind: 'too_large' };
    if (buf.subarray(0, 8000).includes(0)) return { kind: 'binary' };
    return { kind: 'text', text: buf.toString('utf8'), bytes: buf.length };
  } finally {
    await handle.close();
  }
}
