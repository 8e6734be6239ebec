/**
 * The activity tagger resamples each track onto the model's 10 Hz grid of media time
 * (whatever the camera's frame rate), pads young tracks, and forgets a window when the
 * source restarts. The real committed classifier runs underneath; a recording wrapper
 * captures the windows it receives.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivityTagger, loadActivityClassifier, type LoadedActivityClassifier } from '../../edge/analytics/index.ts';
import type { ActivityClassifier, FrameAnalysis, Keypoint } from '../../edge/types.ts';

/** 17 keypoints whose x encodes the media time, so windows can be read back. */
function kps(t: number): Keypoint[] {
  return Array.from({ length: 17 }, (_, j) => [100 + t * 10, 100 + j * 10, 0.9] as Keypoint);
}

function frame(i: number, t: number, track = 1): FrameAnalysis {
  return { cameraId: 'c', frame: { index: i, t, at: 1, width: 640, height: 480 }, persons: [{ track, box: [90, 90, 60, 200], score: 0.9, keypoints: kps(t), posture: 'upright', age: 'adult' }] };
}

describe('activity tagger', () => {
  let real: LoadedActivityClassifier;
  const windows: Keypoint[][][] = [];
  let recording: ActivityClassifier;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    real = await loadActivityClassifier();
    recording = { name: 'recording', windowFrames: real.windowFrames, classify: (w) => (windows.push(...w), real.classify(w)), dispose: () => real.dispose() };
  });
  afterAll(async () => {
    await real.dispose();
  });

  it('feeds 15 samples spaced 0.1 s of media time from a 30 fps source', async () => {
    windows.length = 0;
    const tagger = createActivityTagger(recording);
    let last: FrameAnalysis | null = null;
    for (let i = 0; i < 60; i += 1) last = await tagger.tag(frame(i, i / 30));
    const w = windows.at(-1);
    expect(w).toHaveLength(15);
    const times = (w ?? []).map((k) => ((k[0]?.[0] ?? 0) - 100) / 10);
    for (let i = 1; i < times.length; i += 1) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeCloseTo(0.1, 1);
    expect(last?.persons[0]?.activity?.probs).toBeDefined();
  });

  it('classifies a young track from 8 samples, padded with its first keypoints', async () => {
    windows.length = 0;
    const tagger = createActivityTagger(recording);
    for (let i = 0; i < 7; i += 1) expect((await tagger.tag(frame(i, i / 10))).persons[0]?.activity).toBeUndefined();
    const tagged = await tagger.tag(frame(7, 0.7));
    expect(tagged.persons[0]?.activity).toBeDefined();
    const w = windows.at(-1) ?? [];
    expect(w).toHaveLength(15);
    expect(w.slice(0, 8).every((k) => k[0]?.[0] === 100)).toBe(true);
  });

  it('starts afresh when media time goes backwards (source restarted)', async () => {
    const tagger = createActivityTagger(recording);
    for (let i = 0; i < 20; i += 1) await tagger.tag(frame(i, i / 10));
    expect((await tagger.tag(frame(0, 0))).persons[0]?.activity).toBeUndefined();
  });
});
