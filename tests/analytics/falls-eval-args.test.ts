/** The fall evaluations' `--fps`, `--calm-fps` and `--burst` arguments (models/eval/falls.ts, fall-reasons.ts, fall-trace.ts). */
import { describe, expect, it } from 'vitest';
import { EDGE_RATES, EDGE_SETUP, extractOptions, parseBurstArgs, parseDetectEvery, parseFps, parseRulesArg, parseSetup, rateLabel } from '../../models/eval/falls-eval.ts';
import { createEdgeVisionSource, createVisionSource } from '../../models/activity/vision-source.ts';
import { defaultPipelineOptions } from '../../edge/vision/pipeline.ts';
import { defaultFallSweepOptions } from '../../edge/vision/lying-sweep.ts';
import { CameraConfig } from '../../edge/config/schema.ts';

describe('parseFps', () => {
  it("defaults to the live edge's capture rate and takes others", () => {
    expect(parseFps(undefined)).toBe(10);
    expect(parseFps('5')).toBe(5);
    expect(parseFps('2.5')).toBe(2.5);
  });

  it('explains what is wrong with a bad rate instead of extracting nothing or forever', () => {
    for (const bad of ['0', '-5', 'ten', '31', 'Infinity']) expect(parseFps(bad)).toMatch(/--fps must be a number of frames per second in \(0, 30\], not /);
  });
});

describe('parseBurstArgs', () => {
  it("defaults to the live edge's rates, which are a camera's config defaults", () => {
    const camera = CameraConfig.parse({ id: 'cam', source: 'rtsp://camera/stream' });
    expect(EDGE_RATES).toEqual({ fps: camera.burstFps, calmFps: camera.fps });
    expect(parseBurstArgs(undefined, undefined, 10)).toEqual({ calmFps: 5 });
  });

  it('analyses every frame when the calm rate is the capture rate, as the edge does', () => {
    expect(parseBurstArgs('10', undefined, 10)).toBeUndefined();
    expect(parseBurstArgs(undefined, undefined, 5)).toBeUndefined();
    expect(parseBurstArgs(undefined, undefined, 4)).toBeUndefined();
  });

  it('takes a calm rate with the edge default trigger, or other trigger settings', () => {
    expect(parseBurstArgs('5', undefined, 10)).toEqual({ calmFps: 5 });
    expect(parseBurstArgs('5', '{"holdMs":0,"minShrink":0}', 10)).toEqual({ calmFps: 5, holdMs: 0, minShrink: 0 });
  });

  it('explains what is wrong instead of extracting with settings nobody asked for', () => {
    expect(parseBurstArgs('10', '{}', 10)).toBe('--burst needs a --calm-fps below --fps (10): at 10 every frame is analysed');
    expect(parseBurstArgs(undefined, '{}', 5)).toMatch(/^--burst needs a --calm-fps below --fps \(5\)/);
    expect(parseBurstArgs('12', undefined, 10)).toBe('--calm-fps must be a number of frames per second up to --fps (10), not 12');
    expect(parseBurstArgs('0', undefined, 10)).toMatch(/--calm-fps must be/);
    expect(parseBurstArgs('five', undefined, 10)).toMatch(/--calm-fps must be/);
    expect(parseBurstArgs('5', '{holdMs:0}', 10)).toMatch(/^--burst must be JSON/);
    expect(parseBurstArgs('5', '[1]', 10)).toBe('--burst: burst settings must be a JSON object');
    expect(parseBurstArgs('5', '{"hold":0}', 10)).toMatch(/^--burst: unknown burst setting hold \(known: calmFps, minHeadDrop/);
    expect(parseBurstArgs('5', '{"minShrink":-1}', 10)).toMatch(/^--burst: burst setting minShrink must be a number ≥ 0/);
    expect(parseBurstArgs('5', '{"windowMs":"600"}', 10)).toBe('--burst: burst setting windowMs must be a number ≥ 0, not "600"');
    expect(parseBurstArgs('5', '{"calmFps":4}', 10)).toBe('--burst: give the calm rate as --calm-fps');
  });
});

describe('parseDetectEvery and the table label', () => {
  it('takes a whole number of frames, 1 by default (the edge default), and says how the clips were analysed', () => {
    expect(parseDetectEvery(undefined)).toBe(1);
    expect(parseDetectEvery('2')).toBe(2);
    for (const bad of ['0', '1.5', '11', 'two']) expect(parseDetectEvery(bad)).toMatch(/^--detect-every must be a whole number of frames from 1 to 10, not /);
    expect(rateLabel(10, { calmFps: 5 })).toBe('5 fps, 10 while someone goes down (burst analysis, the edge default)');
    expect(rateLabel(10, { calmFps: 5 }, 2)).toBe('5 fps, 10 while someone goes down (burst analysis, the edge default); detection on 1 calm frame in 2');
    expect(rateLabel(10, undefined)).toBe('10 fps');
    expect(rateLabel(5, undefined, 3)).toBe('5 fps; detection on 1 frame in 3');
  });
});

describe('parseSetup: which pipeline extracts the clips', () => {
  it("is a live edge camera without a nap zone by default, with a nap zone or the training cache's pinned pipeline on request", () => {
    expect(parseSetup({})).toEqual(EDGE_SETUP);
    expect(EDGE_SETUP).toEqual({ fps: 10, burst: { calmFps: 5 }, detectEvery: 1, edge: { napRoom: false, fallSweep: true } });
    expect(parseSetup({ 'nap-room': true })).toMatchObject({ edge: { napRoom: true, fallSweep: true } });
    expect(parseSetup({ 'no-fall-sweep': true })).toMatchObject({ edge: { napRoom: false, fallSweep: false } });
    expect(parseSetup({ pinned: true, 'no-fall-sweep': true })).toMatch(/^--no-fall-sweep is a live edge setting/);
    expect(parseSetup({ pinned: true, 'calm-fps': '10' })).toEqual({ fps: 10, burst: undefined, detectEvery: 1, edge: undefined });
    expect(parseSetup({ pinned: true, 'nap-room': true })).toMatch(/give one/);
    expect(parseSetup({ 'detect-every': '0' })).toMatch(/^--detect-every/);
    expect(extractOptions(EDGE_SETUP)).toEqual({ fps: 10, burst: { calmFps: 5 }, detectEvery: 1, edge: { napRoom: false, fallSweep: true } });
  });

  it("runs the edge's own settings: its pipeline defaults, the sweep only for a nap room, and a cache of its own", () => {
    const plain = JSON.parse(createEdgeVisionSource({ burst: { calmFps: 5 } }).signature);
    const nap = JSON.parse(createEdgeVisionSource({ burst: { calmFps: 5 }, napRoom: true }).signature);
    expect(plain.defaults).toEqual(JSON.parse(JSON.stringify(defaultPipelineOptions)));
    expect(plain.lyingSweep).toBe(false);
    expect(nap.lyingSweep).toMatchObject({ everyMs: 1000 });
    expect(plain.burst).toMatchObject({ calmFps: 5, minHeadDrop: 0.1 });
    expect(plain.detectEvery).toBe(1);
    // The fall sweep is on by default (vision.fallSweep); without it the signature is the one from before it existed.
    expect(plain.fallSweep).toEqual(defaultFallSweepOptions);
    const noFall = JSON.parse(createEdgeVisionSource({ burst: { calmFps: 5 }, fallSweep: false }).signature);
    expect(noFall).not.toHaveProperty('fallSweep');
    // …and the fall sweep's revision (its region's reach, twelfth round) is named only with
    // it; both moved on with the room scene's detector and the frame-scale age model (issue 22).
    expect(noFall.v).toBe('edge-1b');
    expect(plain.v).toBe('edge-4');
    expect(noFall).toEqual(Object.fromEntries(Object.entries({ ...plain, v: 'edge-1b' }).filter(([k]) => k !== 'fallSweep')));
    expect(JSON.parse(createEdgeVisionSource({ detectEvery: 2 }).signature)).toMatchObject({ detectEvery: 2, burst: false });
    expect(createEdgeVisionSource({}).signature).not.toBe(createVisionSource({}).signature);
  });
});

describe('parseRulesArg (--rules of fall-trace.ts and fall-reasons.ts)', () => {
  it('keeps the input as given and parses it with the defaults filled', () => {
    const r = parseRulesArg('{"fall":{"maxDescentSeconds":0}}');
    if (typeof r === 'string') throw new Error(r);
    expect(r.input).toEqual({ fall: { maxDescentSeconds: 0 } });
    expect(r.rules.fall.maxDescentSeconds).toBe(0);
    expect(r.rules.fall.confirmSeconds).toBe(2);
    expect(parseRulesArg(undefined)).toMatchObject({ input: {} });
  });

  it('names what is wrong: not JSON, or the field and the rule it breaks', () => {
    expect(parseRulesArg('{bad')).toMatch(/^--rules must be JSON: /);
    expect(parseRulesArg('{"fall":{"confirmSeconds":-1}}')).toMatch(/^--rules is not a valid rules config: fall\.confirmSeconds: /);
  });
});
