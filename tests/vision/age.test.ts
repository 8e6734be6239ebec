import { describe, expect, it } from 'vitest';
import type { Box } from '../../protocol/index.ts';
import { addAgeEvidence, createAgeModel, decideAge, defaultAgeOptions, newAgeEvidence, type AgeInput } from '../../edge/vision/age.ts';

/** A 640×360 frame (16:9, square pixels). Heights as shares of the frame height at the middle row. */
const W = 640;
const H = 360;
const call = (p: number | null) => (p === null ? 'none' : p >= defaultAgeOptions.decide ? 'adult' : p <= 1 - defaultAgeOptions.decide ? 'child' : 'unknown');

/**
 * A standing person whose feet are at `footY` (share of H), `height` share of H tall, as
 * wide as a box of that build is seen from above (boxes hold arms and shoulders: about
 * two thirds of the height for both, defaultAgeOptions).
 */
function person(x: number, footY: number, height: number, build: 'adult' | 'child' = 'adult'): AgeInput {
  const h = height * H;
  const w = h * (build === 'adult' ? 0.66 : 0.68);
  return { box: [x, footY * H - h, w, h] as Box, posture: 'upright' };
}

describe('adult or child from the sizes of the people in view (age.ts)', () => {
  it('tells one teacher among toddlers apart on the very first frame', () => {
    const model = createAgeModel();
    const frame = [person(60, 0.6, 0.28), person(160, 0.62, 0.15, 'child'), person(260, 0.58, 0.16, 'child'), person(360, 0.61, 0.14, 'child'), person(460, 0.6, 0.15, 'child')];
    const calls = model.observe(frame, W, H).map(call);
    expect(calls).toEqual(['adult', 'child', 'child', 'child', 'child']);
  });

  it('does not turn the biggest toddler of a room without an adult into one (the unattended case)', () => {
    const model = createAgeModel();
    const calls = model.observe([person(60, 0.6, 0.16, 'child'), person(200, 0.62, 0.14, 'child'), person(340, 0.6, 0.15, 'child')], W, H).map(call);
    expect(calls).not.toContain('adult');
    expect(calls.filter((c) => c === 'child').length).toBeGreaterThanOrEqual(2);
  });

  it('never calls two adults of a room without children children; once the camera knows its scale, adults', () => {
    const model = createAgeModel();
    const adults = () => [person(100, 0.55, 0.27), person(400, 0.6, 0.29)];
    // Alone on a new camera, two people of one size may be adults or (on a closer camera) children.
    expect(model.observe(adults(), W, H).map(call)).not.toContain('child');
    for (let i = 0; i < 100; i++) model.observe([...adults(), person(250, 0.6, 0.16, 'child'), person(520, 0.58, 0.17, 'child')], W, H);
    expect(model.observe(adults(), W, H).map(call)).toEqual(['adult', 'adult']);
  });

  it('reads sizes against distance: a small adult far up the picture is still an adult beside a near child', () => {
    const model = createAgeModel();
    // log height grows by `slope` per frame height of foot row: far (0.35) vs near (0.85).
    const far = Math.exp(Math.log(0.27) + defaultAgeOptions.slope * (0.35 - 0.5));
    const calls = model.observe([person(100, 0.35, far), person(300, 0.85, 0.2, 'child'), person(450, 0.8, 0.19, 'child')], W, H).map(call);
    expect(calls[0]).toBe('adult');
    expect(calls.slice(1)).toEqual(['child', 'child']);
  });

  it('measures the scene, not the stored pixels: a 16:9 view stored 640×640 reads like the 640×360 one', () => {
    const square = (p: AgeInput): AgeInput => ({ ...p, box: [p.box[0] / (16 / 9), (p.box[1] * 640) / H, p.box[2] / (16 / 9) / (H / 640), (p.box[3] * 640) / H] as Box });
    const frame = [person(60, 0.6, 0.28), person(200, 0.62, 0.15, 'child'), person(340, 0.6, 0.14, 'child')];
    const wide = createAgeModel().observe(frame, W, H);
    const stretched = createAgeModel().observe(frame.map(square), 640 / (16 / 9) / (H / 640) > 0 ? W / (16 / 9) : W, 640, 16 / 9);
    wide.forEach((p, i) => expect(stretched[i]).toBeCloseTo(p as number, 2));
  });

  it('gives no evidence for lying people and boxes cut by the frame edge', () => {
    const model = createAgeModel();
    const lying: AgeInput = { box: [100, 150, 120, 40], posture: 'lying' };
    const cut: AgeInput = { box: [0, 100, 40, 90], posture: 'upright' };
    expect(model.observe([lying, cut, person(300, 0.6, 0.27)], W, H).slice(0, 2)).toEqual([null, null]);
  });

  it('learns how tall adults look on a camera mounted differently from the prior, and then calls them right', () => {
    const model = createAgeModel();
    // A higher camera: adults are 0.18 of the frame's height, children 0.11.
    const frame = () => [person(60, 0.6, 0.18), person(200, 0.6, 0.11, 'child'), person(340, 0.62, 0.1, 'child'), person(480, 0.58, 0.11, 'child')];
    for (let i = 0; i < 200; i++) model.observe(frame(), W, H);
    expect(model.adultHeight).toBeLessThan(0.22);
    const alone = model.observe([person(60, 0.6, 0.18)], W, H).map(call);
    expect(alone).toEqual(['adult']);
  });

  it('a track decides on the mean of its frames and stays unknown between', () => {
    const e = newAgeEvidence();
    expect(decideAge(e)).toBe('unknown');
    addAgeEvidence(e, 0.9);
    expect(decideAge(e)).toBe('adult');
    addAgeEvidence(e, 0.1);
    expect(decideAge(e)).toBe('unknown');
    for (let i = 0; i < 5; i++) addAgeEvidence(e, 0.15);
    expect(decideAge(e)).toBe('child');
  });
});
