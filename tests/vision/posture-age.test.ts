import { describe, expect, it } from 'vitest';
import { createPerspectiveModel, decideAge } from '../../edge/vision/age.ts';
import { applyFreshPose, newMemory, posePriority } from '../../edge/vision/person-state.ts';
import { classifyPosture } from '../../edge/vision/posture.ts';
import { lying, sitting, standing } from './synthetic-poses.ts';

const FRAME = { frameWidth: 768, frameHeight: 576 };

/** A camera whose perspective model has seen standing adults: 100 px at y=200 growing to 180 px at y=520. */
function trainedPerspective() {
  const model = createPerspectiveModel(576);
  for (let i = 0; i < 400; i++) {
    const footY = 200 + (i % 33) * 10;
    const h = 100 + ((footY - 200) / 320) * 80 + ((i * 7) % 9) - 4;
    model.observe(footY, h);
  }
  return model;
}

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

describe('age class', () => {
  it('learns the perspective from standing adults', () => {
    const p = trainedPerspective();
    expect(p.expectedHeight(360)).toBeGreaterThan(120);
    expect(p.expectedHeight(360)).toBeLessThan(160);
    expect(createPerspectiveModel(576).expectedHeight(300)).toBeNull();
  });

  it('labels a standing adult adult after a few consistent frames', () => {
    const perspective = trainedPerspective();
    const mem = newMemory();
    for (let i = 0; i < 5; i++) {
      const s = standing(300 + i * 5, 440, 158, 0.09);
      applyFreshPose(mem, s.kps, s.box, i, { ...FRAME, perspective });
    }
    expect(mem.posture).toBe('upright');
    expect(mem.age).toBe('adult');
  });

  it('never calls a small child who sits or lies an adult', () => {
    const perspective = trainedPerspective();
    const mem = newMemory();
    for (let i = 0; i < 6; i++) {
      const pose = i % 2 === 0 ? sitting(300, 440, 30) : lying(250, 440, 70);
      applyFreshPose(mem, pose.kps, pose.box, i, { ...FRAME, perspective });
    }
    expect(mem.age).toBe('unknown');
  });

  it('labels a small standing toddler with a large head child, not adult', () => {
    const perspective = trainedPerspective();
    const mem = newMemory();
    for (let i = 0; i < 5; i++) {
      const s = standing(300, 440, 75, 0.16);
      applyFreshPose(mem, s.kps, s.box, i, { ...FRAME, perspective });
    }
    expect(mem.age).toBe('child');
  });

  it('stays unknown before the camera has learned its perspective', () => {
    const perspective = createPerspectiveModel(576);
    const mem = newMemory();
    const s = standing(300, 440, 75, 0.16);
    applyFreshPose(mem, s.kps, s.box, 0, { ...FRAME, perspective });
    expect(mem.age).toBe('unknown');
  });

  it('remembers the box height of the last upright pose, kept while sitting or lying (how far a fall reaches)', () => {
    const perspective = createPerspectiveModel(576);
    const mem = newMemory();
    expect(mem.uprightHeight).toBeNull();
    const s = standing(300, 440, 158, 0.09);
    applyFreshPose(mem, s.kps, s.box, 0, { ...FRAME, perspective });
    expect(mem.uprightHeight).toBe(s.box[3]);
    const down = lying(250, 440, 70);
    applyFreshPose(mem, down.kps, down.box, 1, { ...FRAME, perspective });
    expect(mem.posture).toBe('lying');
    expect(mem.uprightHeight).toBe(s.box[3]);
  });

  it('needs a clear majority of votes', () => {
    expect(decideAge({ adult: 2, child: 0 })).toBe('unknown');
    expect(decideAge({ adult: 3, child: 2 })).toBe('unknown');
    expect(decideAge({ adult: 4, child: 1 })).toBe('adult');
  });
});

describe('pose scheduling', () => {
  it('puts never-posed people first, then stale ones, sooner when the box shape changed', () => {
    const perspective = createPerspectiveModel(576);
    const fresh = newMemory();
    expect(posePriority(fresh, [0, 0, 30, 90], 5)).toBe(Number.POSITIVE_INFINITY);
    const walking = newMemory();
    const s = standing(300, 400, 90);
    applyFreshPose(walking, s.kps, s.box, 0, { ...FRAME, perspective });
    const sameShape = posePriority(walking, [s.box[0] + 10, s.box[1], s.box[2], s.box[3]], 4);
    const falling = posePriority(walking, [s.box[0], s.box[1] + 40, s.box[3], s.box[2]], 2);
    expect(sameShape).toBe(4);
    expect(falling).toBeGreaterThan(sameShape);
  });
});
