import { describe, expect, it } from 'vitest';
import { applyFreshPose, newMemory, posePriority } from '../../edge/vision/person-state.ts';
import { classifyPosture } from '../../edge/vision/posture.ts';
import { lying, sitting, standing } from './synthetic-poses.ts';

describe('posture', () => {
  it('tells upright, sitting and lying apart', () => {
    const s = standing(300, 400, 160);
    expect(classifyPosture(s.kps, s.box)).toBe('upright');
    const sit = sitting(300, 400, 60);
    expect(classifyPosture(sit.kps, sit.box)).toBe('sitting');
    const l = lying(200, 400, 150);
    expect(classifyPosture(l.kps, l.box)).toBe('lying');
  });

  it('falls back to the box shape without a pose, and to unknown when the shape is ambiguous', () => {
    expect(classifyPosture(null, [0, 0, 30, 90])).toBe('upright');
    expect(classifyPosture(null, [0, 0, 120, 40])).toBe('lying');
    expect(classifyPosture(null, [0, 0, 50, 60])).toBe('unknown');
  });
});

describe('upright height', () => {
  it('remembers the box height of the last upright pose, kept while sitting or lying (how far a fall reaches)', () => {
    const mem = newMemory();
    expect(mem.uprightHeight).toBeNull();
    const s = standing(300, 440, 158, 0.09);
    applyFreshPose(mem, s.kps, s.box, 0, {});
    expect(mem.uprightHeight).toBe(s.box[3]);
    const down = lying(250, 440, 70);
    applyFreshPose(mem, down.kps, down.box, 1, {});
    expect(mem.posture).toBe('lying');
    expect(mem.uprightHeight).toBe(s.box[3]);
  });
});

describe('pose scheduling', () => {
  it('puts never-posed people first, then stale ones, sooner when the box shape changed', () => {
    const fresh = newMemory();
    expect(posePriority(fresh, [0, 0, 30, 90], 5)).toBe(Number.POSITIVE_INFINITY);
    const walking = newMemory();
    const s = standing(300, 400, 90);
    applyFreshPose(walking, s.kps, s.box, 0, {});
    const sameShape = posePriority(walking, [s.box[0] + 10, s.box[1], s.box[2], s.box[3]], 4);
    const falling = posePriority(walking, [s.box[0], s.box[1] + 40, s.box[3], s.box[2]], 2);
    expect(sameShape).toBe(4);
    expect(falling).toBeGreaterThan(sameShape);
  });
});
