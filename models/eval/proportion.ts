/**
 * Confidence intervals for clip-level rates. The fall evaluation counts a few dozen clips,
 * so a recall of 15/18 says little on its own: the interval says how little.
 */

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959964;

/**
 * Wilson score interval of a proportion `k / n` (Wilson 1927; recommended over the normal
 * approximation for small n and rates near 0 or 1 by Brown, Cai & DasGupta 2001).
 * Returns [lo, hi] within [0, 1]; [NaN, NaN] when n is 0.
 */
export function wilsonInterval(k: number, n: number, z = Z95): [number, number] {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) throw new RangeError(`wilsonInterval needs integers 0 ≤ k ≤ n, got ${k}/${n}`);
  if (n === 0) return [Number.NaN, Number.NaN];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // k = 0 and k = n give bounds of exactly 0 and 1 in exact arithmetic.
  return [k === 0 ? 0 : Math.max(0, centre - half), k === n ? 1 : Math.min(1, centre + half)];
}

/** A rate or interval bound for the evaluation tables: `digits` decimals, `n/a` when undefined. */
export function fmt(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
}

/** The 95 % Wilson interval of `k / n` as text, two decimals: `0.61–0.94`. */
export function formatInterval(k: number, n: number): string {
  return wilsonInterval(k, n)
    .map((v) => fmt(v))
    .join('–');
}

/**
 * The fewest clips, every one right, whose Wilson interval's lower bound reaches `target`:
 * how many falls an evaluation needs before a perfect score shows recall ≥ target.
 * For k = n the lower bound is n / (n + z²), so n ≥ target·z² / (1 − target).
 */
export function clipsToShow(target: number, z = Z95): number {
  if (!(target > 0 && target < 1)) throw new RangeError(`clipsToShow needs a target in (0, 1), got ${target}`);
  return Math.ceil((target * z * z) / (1 - target) - 1e-9);
}
