/**
 * The synthetic training scenarios (models/activity/synthetic-scenarios.ts): which moves
 * are labelled falls, the `base` set being what trained the shipped weights, and the
 * `v2` set's smooth deliberate moves. Also the cross-validation's seed ensemble
 * (`npm run eval:falls-cv -- --seeds N`), on the two committed weights.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACTIVITY_MODEL_DIR, loadActivityClassifier } from '../../edge/analytics/activity-classifier.ts';
import type { Activity, Keypoint } from '../../edge/types.ts';
import { createRng } from '../../models/activity/augment.ts';
import { renderClip, ADULT, type Keyframe } from '../../models/activity/synthetic.ts';
import { BASE_SCENARIOS, SCENARIOS, randomSequence, type Scenario } from '../../models/activity/synthetic-scenarios.ts';
import { averageClassifiers } from '../../models/eval/falls-cv.ts';

const FALLS: readonly Scenario[] = ['fall', 'fallKnees', 'fallSit'];

function sample(set: 'base' | 'v2', n: number) {
  const rng = createRng(11);
  return Array.from({ length: n }, () => randomSequence(rng, 10, 0.4, set));
}

describe('synthetic scenarios', () => {
  it('labels falling only in fall scenarios, and every fall has falling frames before lying ones', () => {
    const seqs = sample('v2', 200);
    expect(new Set(seqs.map((s) => s.scenario))).toEqual(new Set(SCENARIOS));
    for (const s of seqs) {
      const labels = s.frames.map((f) => f.label);
      if (FALLS.includes(s.scenario)) {
        const firstFalling = labels.indexOf('falling');
        expect(firstFalling, s.scenario).toBeGreaterThan(0);
        expect(labels.lastIndexOf('falling'), s.scenario).toBeLessThan(labels.indexOf('lying'));
      } else {
        expect(labels, s.scenario).not.toContain('falling');
      }
    }
    // The quick lie-downs end lying, having passed through a low posture on purpose.
    const lieDowns = seqs.filter((s) => s.scenario === 'lieDownKneel' || s.scenario === 'lieDownSit');
    expect(lieDowns.length).toBeGreaterThan(5);
    for (const s of lieDowns) expect(s.frames.map((f) => f.label)).toEqual(expect.arrayContaining(['upright', 'sitting', 'lying']));
  });

  it('base draws only the scenarios that trained the shipped weights', () => {
    const used = new Set(sample('base', 200).map((s) => s.scenario));
    expect(used).toEqual(new Set(BASE_SCENARIOS));
  });

  it('smooth moves start and end slowly but reach the same poses; falls accelerate either way', () => {
    const body = { proportions: ADULT, height: 300, groundY: 420, facing: 1 as const, yawDeg: 70 };
    const keys: Keyframe[] = [
      { t: 0, pose: 'standing', x: 200, label: 'upright' },
      { t: 1, pose: 'sittingFloor', x: 200, label: 'sitting' },
      { t: 2, pose: 'sittingFloor', x: 200, label: 'sitting' },
    ];
    const linear = renderClip(keys, body, { fps: 10 });
    const smooth = renderClip(keys, body, { fps: 10, smooth: true });
    const hipY = (kps: Keypoint[]) => kps[11]![1];
    expect(smooth).toHaveLength(linear.length);
    expect(hipY(smooth[10]!.keypoints)).toBeCloseTo(hipY(linear[10]!.keypoints), 6);
    expect(hipY(smooth[0]!.keypoints)).toBeCloseTo(hipY(linear[0]!.keypoints), 6);
    // One frame in, the smooth body has moved less; halfway, both are at the same place.
    const moved = (frames: typeof linear, i: number) => Math.abs(hipY(frames[i]!.keypoints) - hipY(frames[0]!.keypoints));
    expect(moved(smooth, 1)).toBeLessThan(moved(linear, 1) / 2);
    expect(hipY(smooth[5]!.keypoints)).toBeCloseTo(hipY(linear[5]!.keypoints), 6);
    const fall: Keyframe[] = [keys[0]!, { t: 0.6, pose: 'lying', x: 240, label: 'lying', fall: true }];
    expect(renderClip(fall, body, { fps: 10, smooth: true }).map((f) => f.keypoints)).toEqual(renderClip(fall, body, { fps: 10 }).map((f) => f.keypoints));
  });
});

describe('seed ensemble of the cross-validation', () => {
  const fixture = { windows: [] as { expected: Activity; keypoints: Keypoint[][] }[] };
  beforeAll(async () => {
    await tf.setBackend('cpu');
    Object.assign(fixture, JSON.parse(await readFile(new URL('./fixtures/activity-windows.json', import.meta.url), 'utf8')));
  });

  it('averages the members’ probabilities and names the most probable class', async () => {
    const a = await loadActivityClassifier();
    const b = await loadActivityClassifier({ dir: join(DEFAULT_ACTIVITY_MODEL_DIR, '../model') });
    const windows = fixture.windows.map((w) => w.keypoints);
    const [ra, rb] = [await a.classify(windows), await b.classify(windows)];
    const mean = averageClassifiers([a, b]);
    const rm = await mean.classify(windows);
    expect(mean.windowFrames).toBe(a.windowFrames);
    expect(rm).toHaveLength(windows.length);
    let disagreements = 0;
    rm.forEach((r, i) => {
      for (const k of Object.keys(r.probs) as Activity[]) expect(r.probs[k]).toBeCloseTo(((ra[i]?.probs[k] ?? 0) + (rb[i]?.probs[k] ?? 0)) / 2, 6);
      const best = (Object.keys(r.probs) as Activity[]).reduce((x, y) => (r.probs[y] > r.probs[x] ? y : x));
      expect(r.activity).toBe(best);
      if (ra[i]?.probs.falling !== rb[i]?.probs.falling) disagreements += 1;
    });
    // The two weights differ, so the mean is not just one of them.
    expect(disagreements).toBeGreaterThan(0);
    await mean.dispose();
    expect(() => averageClassifiers([])).toThrow(/at least one/);
  });
});
