/** Wilson intervals for the fall evaluation's clip counts (models/eval/proportion.ts). */
import { describe, expect, it } from 'vitest';
import { formatIntervals, type FallEvalRow } from '../../models/eval/falls-eval.ts';
import { clipsToShow, formatInterval, wilsonInterval } from '../../models/eval/proportion.ts';

describe('wilsonInterval', () => {
  it('matches published values', () => {
    // Brown, Cai & DasGupta (2001) and any statistics package: 15/18 → 0.608–0.942, 0/10 → 0–0.278.
    const [lo, hi] = wilsonInterval(15, 18);
    expect(lo).toBeCloseTo(0.608, 3);
    expect(hi).toBeCloseTo(0.942, 3);
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    expect(wilsonInterval(0, 10)[1]).toBeCloseTo(0.278, 3);
    expect(wilsonInterval(10, 10)[0]).toBeCloseTo(0.722, 3);
    expect(wilsonInterval(10, 10)[1]).toBe(1);
    expect(wilsonInterval(18, 19)[0]).toBeCloseTo(0.754, 3);
  });

  it('narrows as the count grows at the same rate and always contains the rate', () => {
    const small = wilsonInterval(5, 6);
    const large = wilsonInterval(500, 600);
    expect(large[1] - large[0]).toBeLessThan(small[1] - small[0]);
    for (const [k, n] of [[1, 3], [15, 18], [499, 500], [0, 1]] as const) {
      const [lo, hi] = wilsonInterval(k, n);
      expect(lo).toBeLessThanOrEqual(k / n);
      expect(hi).toBeGreaterThanOrEqual(k / n);
    }
  });

  it('formats as two decimals, n/a for no clips', () => {
    expect(formatInterval(15, 18)).toBe('0.61–0.94');
    expect(formatInterval(0, 0)).toBe('n/a–n/a');
  });

  it('is NaN for no clips and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0).every(Number.isNaN)).toBe(true);
    expect(() => wilsonInterval(3, 2)).toThrow(/0 ≤ k ≤ n/);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 2)).toThrow(RangeError);
  });
});

describe('clipsToShow', () => {
  it('is the smallest perfect score whose lower bound reaches the target', () => {
    for (const target of [0.8, 0.9, 0.95, 0.99]) {
      const n = clipsToShow(target);
      expect(wilsonInterval(n, n)[0]).toBeGreaterThanOrEqual(target);
      expect(wilsonInterval(n - 1, n - 1)[0]).toBeLessThan(target);
    }
    expect(clipsToShow(0.95)).toBe(73);
  });

  it('refuses a target outside (0, 1)', () => {
    expect(() => clipsToShow(1)).toThrow(/in \(0, 1\)/);
    expect(() => clipsToShow(0)).toThrow(RangeError);
  });
});

describe('formatIntervals (the line under the eval:falls table)', () => {
  it("gives each variant's recall and specificity interval from its counts", () => {
    const row = (name: string, tp: number, fn: number, tn: number, fp: number): FallEvalRow => ({ name, tp, fn, tn, fp, falseFalls: fp, negSeconds: 600, vtestFalseFalls: 0, latencies: [], missed: [], falseClips: [] });
    const line = formatIntervals([row('rules only', 15, 3, 18, 1), row('perfect', 18, 0, 19, 0)]);
    expect(line).toContain('rules only: recall 0.61–0.94, specificity 0.75–0.99');
    expect(line).toContain('perfect: recall 0.82–1.00, specificity 0.83–1.00');
    expect(line).toContain('A lower bound of 0.95 needs at least 73 clips');
  });
});
