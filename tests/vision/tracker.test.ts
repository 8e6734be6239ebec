import { describe, expect, it } from 'vitest';
import type { Box } from '../../protocol/index.ts';
import { createTracker } from '../../edge/vision/tracker.ts';

const det = (box: Box, score = 0.8) => ({ box, score });
const FRAME_MS = 100;

describe('tracker', () => {
  it('reports a track only after min hits and never a one-frame flicker', () => {
    const tr = createTracker({ minHits: 3 });
    expect(tr.update([det([100, 100, 30, 80])], 0)).toHaveLength(0);
    expect(tr.update([det([102, 100, 30, 80]), det([400, 300, 30, 80])], 100)).toHaveLength(0);
    const third = tr.update([det([104, 100, 30, 80])], 200);
    expect(third).toHaveLength(1);
    expect(third[0]?.id).toBe(1);
    // The flicker at 400,300 never became a track.
    expect(tr.tracks().some((t) => t.box[0] > 300)).toBe(false);
  });

  it('keeps both identities when two people cross', () => {
    const tr = createTracker({ minHits: 2, coastMs: 0 });
    const xs = new Map<number, number[]>();
    for (let i = 0; i <= 40; i++) {
      const rightward: Box = [100 + i * 10, 200, 30, 80];
      const leftward: Box = [500 - i * 10, 205, 30, 80];
      for (const t of tr.update([det(rightward, 0.9), det(leftward, 0.85)], i * FRAME_MS)) {
        xs.set(t.id, [...(xs.get(t.id) ?? []), t.box[0]]);
      }
    }
    expect([...xs.keys()].sort()).toEqual([1, 2]);
    const right = xs.get(1) ?? [];
    const left = xs.get(2) ?? [];
    // Each id keeps moving its own way through the crossing, start to end.
    expect(right.every((x, i) => i === 0 || x >= (right[i - 1] as number))).toBe(true);
    expect(left.every((x, i) => i === 0 || x <= (left[i - 1] as number))).toBe(true);
    expect(right.length).toBeGreaterThan(35);
    expect(left.length).toBeGreaterThan(35);
  });

  it('re-identifies a person after a one-second occlusion gap on the motion model', () => {
    const tr = createTracker({ minHits: 2, coastMs: 0 });
    let id = -1;
    for (let i = 0; i < 10; i++) {
      const out = tr.update([det([100 + i * 8, 200, 30, 80])], i * FRAME_MS);
      if (out[0]) id = out[0].id;
    }
    // Hidden for 10 frames while walking on; nothing reported (no coasting configured).
    for (let i = 10; i < 20; i++) expect(tr.update([], i * FRAME_MS)).toHaveLength(0);
    const back = tr.update([det([100 + 20 * 8, 200, 30, 80])], 20 * FRAME_MS);
    expect(back.map((t) => t.id)).toEqual([id]);
  });

  it('forgets a track after max age and gives the returning person a new id', () => {
    const tr = createTracker({ minHits: 2, maxAgeMs: 5000 });
    tr.update([det([100, 100, 30, 80])], 0);
    const first = tr.update([det([100, 100, 30, 80])], 100)[0]?.id;
    tr.update([], 2000);
    expect(tr.tracks()).toHaveLength(1);
    tr.update([], 5200);
    expect(tr.tracks()).toHaveLength(0);
    tr.update([det([100, 100, 30, 80])], 5300);
    const again = tr.update([det([100, 100, 30, 80])], 5400)[0]?.id;
    expect(again).toBeDefined();
    expect(again).not.toBe(first);
  });

  it('lets weak detections continue a track but not start one', () => {
    const tr = createTracker({ minHits: 2, highScore: 0.5, lowScore: 0.2 });
    tr.update([det([100, 100, 30, 80], 0.9)], 0);
    tr.update([det([101, 100, 30, 80], 0.9)], 100);
    const weak = tr.update([det([102, 100, 30, 80], 0.3), det([400, 100, 30, 80], 0.3)], 200);
    expect(weak.map((t) => t.id)).toEqual([1]);
    expect(tr.tracks()).toHaveLength(1);
  });

  it('moves tracks on their motion between detection frames without counting a miss', () => {
    const tr = createTracker({ minHits: 2, coastMs: 0 });
    tr.update([det([100, 100, 30, 80])], 0);
    tr.update([det([110, 100, 30, 80])], 100);
    const predicted = tr.predict(200);
    expect(predicted).toHaveLength(1);
    expect(predicted[0]?.box[0]).toBeGreaterThan(110);
    expect(predicted[0]?.box[0]).toBeLessThan(125);
    // The next detection continues the same track.
    expect(tr.update([det([130, 100, 30, 80])], 300).map((t) => t.id)).toEqual([1]);
  });

  it('uses clothing colours to keep identities when overlapping boxes swap places', () => {
    const colour = (bin: number) => {
      const h = new Float32Array(128);
      h[bin] = 1;
      h[64 + bin] = 1;
      return h;
    };
    const red = colour(0);
    const blue = colour(1);
    const tr = createTracker({ minHits: 2, appearanceWeight: 0.3, velocityGain: 0 });
    for (let i = 0; i < 3; i++) tr.update([det([100, 100, 30, 80]), det([110, 100, 30, 80])], i * FRAME_MS, [red, blue]);
    const before = tr.update([det([100, 100, 30, 80]), det([110, 100, 30, 80])], 300, [red, blue]);
    const redId = before.find((t) => t.box[0] < 105)?.id;
    // Red steps right and blue left: by overlap alone the ids would swap.
    const after = tr.update([det([108, 100, 30, 80]), det([102, 100, 30, 80])], 400, [red, blue]);
    expect(after.find((t) => t.detection === 0)?.id).toBe(redId);
  });
});

