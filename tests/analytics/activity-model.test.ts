/**
 * The committed activity model: loads from models/activity/model with its sha256 checked
 * (a changed byte is refused), and classifies fixed synthetic keypoint windows as
 * expected. The tagger + rule engine path raises one fall for a synthetic adult fall.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityModelIntegrityError, DEFAULT_ACTIVITY_MODEL_DIR, loadActivityClassifier, type LoadedActivityClassifier } from '../../edge/analytics/activity-classifier.ts';
import { createActivityTagger } from '../../edge/analytics/activity-tagger.ts';
import { createRuleEngine } from '../../edge/analytics/index.ts';
import type { Activity, Keypoint } from '../../edge/types.ts';
import type { IncidentEvent } from '../../protocol/index.ts';
import { clip, scene, T0 } from './scenarios.ts';

/** sha256 of the default (permissive) weights, models/activity/model-permissive/weights.bin (changes only with a retrain). */
const SHIPPED_WEIGHTS_SHA256 = '94c9072459df5855db660eff11060e4521caa7cedd7f0cd41b6cce8d01a6a45b';

const fixture = JSON.parse(await readFile(new URL('./fixtures/activity-windows.json', import.meta.url), 'utf8')) as {
  windows: { expected: Activity; keypoints: Keypoint[][] }[];
};

describe('activity model', () => {
  let classifier: LoadedActivityClassifier;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    classifier = await loadActivityClassifier();
  });
  afterAll(async () => {
    await classifier.dispose();
  });

  it('loads the committed weights, which are the expected file', async () => {
    const bytes = await readFile(join(DEFAULT_ACTIVITY_MODEL_DIR, 'weights.bin'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(SHIPPED_WEIGHTS_SHA256);
    expect(classifier.meta.weightsSha256).toBe(SHIPPED_WEIGHTS_SHA256);
    expect(classifier.windowFrames).toBe(15);
    expect(bytes.byteLength).toBeLessThan(200_000);
    expect(classifier.meta.trainedOn.join(' ')).not.toMatch(/URFD/);
    // The full-data weights load too and say they are non-commercial.
    const full = await loadActivityClassifier({ dir: join(DEFAULT_ACTIVITY_MODEL_DIR, '../model') });
    expect(full.meta.licence).toMatch(/non-commercial/);
    await full.dispose();
  });

  it('refuses weights whose bytes changed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anyu-activity-'));
    try {
      await cp(DEFAULT_ACTIVITY_MODEL_DIR, dir, { recursive: true });
      const bytes = await readFile(join(dir, 'weights.bin'));
      bytes[100] = (bytes[100] ?? 0) ^ 0xff;
      await writeFile(join(dir, 'weights.bin'), bytes);
      await expect(loadActivityClassifier({ dir })).rejects.toBeInstanceOf(ActivityModelIntegrityError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('classifies the fixed synthetic windows as expected', async () => {
    const results = await classifier.classify(fixture.windows.map((w) => w.keypoints));
    expect(results.map((r) => r.activity)).toEqual(fixture.windows.map((w) => w.expected));
    for (const r of results) expect(Object.values(r.probs).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  });

  it('tagger + rules raise exactly one fall for a synthetic adult fall, none for walking', async () => {
    const k = (t: number, pose: 'standing' | 'lying' | 'walkA' | 'walkB', x: number, label: Activity, fall = false) => ({ t, pose, x, label, fall });
    const fall = scene([{ track: 1, age: 'adult', frames: clip('adult', [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(2.7, 'lying', 260, 'lying', true), k(9, 'lying', 260, 'lying')]) }]);
    const walkKeys = Array.from({ length: 17 }, (_, i) => k(i * 0.5, i % 2 ? 'walkA' : 'walkB', 100 + i * 12, 'upright'));
    const walk = scene([{ track: 2, age: 'adult', frames: clip('adult', walkKeys) }]);
    for (const [frames, expected] of [[fall, 1], [walk, 0]] as const) {
      let now = T0;
      const engine = createRuleEngine({ cameraId: 'cam-1', zones: [], rules: { fall: { model: 'assist' } }, lifecycle: { institutionId: 'i', edgeId: 'e', now: () => now } });
      const tagger = createActivityTagger(classifier);
      const events: IncidentEvent[] = [];
      for (const f of frames) {
        now = f.frame.at;
        events.push(...engine.onFrame(await tagger.tag(f)));
      }
      expect(events.filter((e) => e.kind === 'fall' && e.type === 'open')).toHaveLength(expected);
    }
  });

  it('a veto the model always casts drops the fall, except a fast descent when modelSureHeadSpeed exempts it', async () => {
    const k = (t: number, pose: 'standing' | 'lying', x: number, label: Activity, fall = false) => ({ t, pose, x, label, fall });
    const fall = scene([{ track: 1, age: 'adult', frames: clip('adult', [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(2.7, 'lying', 260, 'lying', true), k(9, 'lying', 260, 'lying')]) }]);
    const opens = async (fallRules: Record<string, unknown>) => {
      let now = T0;
      const engine = createRuleEngine({ cameraId: 'cam-1', zones: [], rules: { fall: fallRules }, lifecycle: { institutionId: 'i', edgeId: 'e', now: () => now } });
      const tagger = createActivityTagger(classifier);
      const events: IncidentEvent[] = [];
      for (const f of fall) {
        now = f.frame.at;
        events.push(...engine.onFrame(await tagger.tag(f)));
      }
      return events.filter((e) => e.kind === 'fall' && e.type === 'open');
    };
    // No probability reaches 1.0 exactly, so this veto drops every candidate the model judges.
    expect(await opens({ model: 'veto', minModelProb: 1 })).toHaveLength(0);
    const kept = await opens({ model: 'veto', minModelProb: 1, modelSureHeadSpeed: 0.5 });
    expect(kept).toHaveLength(1);
    const speed = Number(/at (\S+) body heights\/s/.exec(kept[0]?.evidence.reason ?? '')?.[1]);
    expect(speed).toBeGreaterThanOrEqual(0.5);
    // Faster than this descent: the exemption does not apply and the veto stands.
    expect(await opens({ model: 'veto', minModelProb: 1, modelSureHeadSpeed: speed + 0.5 })).toHaveLength(0);
  });
});
