/** The fall evaluations' `--fps` argument (models/eval/falls.ts, fall-reasons.ts). */
import { describe, expect, it } from 'vitest';
import { parseFps } from '../../models/eval/falls-eval.ts';
import { CACHE_FPS } from '../../models/activity/keypoint-cache.ts';

describe('parseFps', () => {
  it('defaults to the cache rate and takes the live edge rate', () => {
    expect(parseFps(undefined)).toBe(CACHE_FPS);
    expect(parseFps('5')).toBe(5);
    expect(parseFps('2.5')).toBe(2.5);
  });

  it('explains what is wrong with a bad rate instead of extracting nothing or forever', () => {
    for (const bad of ['0', '-5', 'ten', '31', 'Infinity']) expect(parseFps(bad)).toMatch(/--fps must be a number of frames per second in \(0, 30\], not /);
  });
});
