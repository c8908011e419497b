// Small statistics helpers.

/** The p-th percentile (0-100) of a sorted numeric array, nearest-rank. */
export function percentileSorted(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * A growable Float64Array of samples, capped at `max` entries so memory stays bounded
 * whatever the request rate (past the cap, samples are dropped and counted).
 */
export class SampleBuffer {
  constructor(initial = 1 << 16, max = 20_000_000) {
    this.data = new Float64Array(initial);
    this.length = 0;
    this.dropped = 0;
    this.max = max;
  }
  push(x) {
    if (this.length === this.data.length) {
      if (this.data.length >= this.max) {
        this.dropped++;
        return;
      }
      const next = new Float64Array(Math.min(this.max, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  sorted() {
    return this.data.slice(0, this.length).sort();
  }
}
