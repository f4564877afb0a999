// Summary statistics for timing samples. Pure functions: no I/O, no clocks.

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Number of samples summarised. */
  n: number;
}

/** Median of a non-empty list (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(xs: readonly number[]): Summary {
  if (xs.length === 0) throw new RangeError('summary of no samples');
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    if (!Number.isFinite(x)) throw new RangeError(`non-finite sample ${x}`);
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { median: median(xs), min, max, n: xs.length };
}

/**
 * Geometric mean: the right average for ratios (a 2× slowdown and a 2× speedup cancel out).
 * null for an empty list, so a section with nothing comparable says so instead of 1.00.
 */
export function geomean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let logSum = 0;
  for (const x of xs) {
    if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`geomean needs positive finite values, got ${x}`);
    logSum += Math.log(x);
  }
  return Math.exp(logSum / xs.length);
}

/** a / b, or null when either side is missing or b is not positive. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !(b > 0)) return null;
  return a / b;
}
