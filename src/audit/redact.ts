/** Replaces a secret's value in before/after snapshots. */
export const REDACTED = '[redacted]';

const SECRET_KEY =
  /pass(word)?|secret|token|credential|api[-_]?key|authorization|cookie|private[-_]?key|hash|otp|session[-_]?key/i;
const MAX_DEPTH = 8;

/**
 * A copy of `value` fit for the audit log: every member whose name looks like a secret
 * (passwords, tokens, keys, credentials, hashes) is replaced, at any depth, and values
 * that JSON cannot hold are dropped. Returns null for undefined.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      out[key] = SECRET_KEY.test(key) ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return null;
}
