import { describe, expect, it } from 'vitest';
import type { RgbFrame, TrackedPerson } from '../../edge/types.ts';
import { blurRegions, drawPersons, faceBoxes } from '../../edge/render/index.ts';
import { standing } from './synthetic-poses.ts';

function noiseFrame(width: number, height: number): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) % 251;
  return { data, width, height, index: 0, t: 0, at: 0 };
}

function variance(f: RgbFrame, x0: number, y0: number, w: number, h: number): number {
  const vals: number[] = [];
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) vals.push(f.data[(y * f.width + x) * 3] as number);
  const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
  return vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
}

describe('render', () => {
  it('draws the box outline in the posture colour and leaves far pixels alone', () => {
    const f = noiseFrame(320, 240);
    const before = f.data.slice();
    const s = standing(100, 200, 120);
    const person: TrackedPerson = { track: 7, box: s.box, score: 0.9, keypoints: s.kps, posture: 'upright', age: 'adult' };
    drawPersons(f, [person]);
    const left = Math.round(s.box[0]);
    const mid = Math.round(s.box[1] + s.box[3] / 2);
    const o = (mid * f.width + left) * 3;
    expect([f.data[o], f.data[o + 1], f.data[o + 2]]).toEqual([40, 200, 40]);
    const far = (230 * f.width + 310) * 3;
    expect(f.data[far]).toBe(before[far]);
  });

  it('pixelates a region so its detail is gone, and only that region', () => {
    const f = noiseFrame(200, 200);
    const outside = variance(f, 150, 150, 40, 40);
    expect(variance(f, 20, 20, 48, 48)).toBeGreaterThan(1000);
    blurRegions(f, [[20, 20, 48, 48]], 16);
    // Each 16×16 block is flat.
    expect(variance(f, 20, 20, 16, 16)).toBe(0);
    expect(variance(f, 150, 150, 40, 40)).toBe(outside);
  });

  it('finds a face region around the head keypoints, inside the upper body', () => {
    const s = standing(100, 200, 120);
    const [face] = faceBoxes([{ track: 1, box: s.box, score: 1, keypoints: s.kps, posture: 'upright', age: 'adult' }]);
    const nose = s.kps[0] as [number, number, number];
    expect(face).toBeDefined();
    const [x, y, w, h] = face as [number, number, number, number];
    expect(nose[0]).toBeGreaterThan(x);
    expect(nose[0]).toBeLessThan(x + w);
    expect(nose[1]).toBeGreaterThan(y);
    expect(nose[1]).toBeLessThan(y + h);
    expect(y + h).toBeLessThan(s.box[1] + s.box[3] / 2);
  });
});
