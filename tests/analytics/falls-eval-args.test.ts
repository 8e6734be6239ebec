/** The fall evaluations' `--fps`, `--calm-fps` and `--burst` arguments (models/eval/falls.ts, fall-reasons.ts, fall-trace.ts). */
import { describe, expect, it } from 'vitest';
import { parseBurstArgs, parseFps } from '../../models/eval/falls-eval.ts';
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

describe('parseBurstArgs', () => {
  it('takes a calm rate with the edge default trigger, or other trigger settings', () => {
    expect(parseBurstArgs(undefined, undefined, 10)).toBeUndefined();
    expect(parseBurstArgs('5', undefined, 10)).toEqual({ calmFps: 5 });
    expect(parseBurstArgs('5', '{"holdMs":0,"minShrink":0}', 10)).toEqual({ calmFps: 5, holdMs: 0, minShrink: 0 });
  });

  it('explains what is wrong instead of extracting with settings nobody asked for', () => {
    expect(parseBurstArgs(undefined, '{}', 10)).toBe('--burst needs --calm-fps');
    expect(parseBurstArgs('10', undefined, 10)).toMatch(/--calm-fps must be a number of frames per second below --fps \(10\), not 10/);
    expect(parseBurstArgs('five', undefined, 10)).toMatch(/--calm-fps must be/);
    expect(parseBurstArgs('5', '{holdMs:0}', 10)).toMatch(/^--burst must be JSON/);
    expect(parseBurstArgs('5', '[1]', 10)).toBe('--burst: burst settings must be a JSON object');
    expect(parseBurstArgs('5', '{"hold":0}', 10)).toMatch(/^--burst: unknown burst setting hold \(known: calmFps, minHeadDrop/);
    expect(parseBurstArgs('5', '{"minShrink":-1}', 10)).toMatch(/^--burst: burst setting minShrink must be a number ≥ 0/);
    expect(parseBurstArgs('5', '{"calmFps":4}', 10)).toBe('--burst: give the calm rate as --calm-fps');
  });
});
