/**
 * Runs an ActivityClassifier over each track's recent keypoints and writes the result to
 * `TrackedPerson.activity`, before the (synchronous) rule engine sees the frame. Frames
 * arrive at the camera's rate; the model wants `hz` samples per second, so each track is
 * resampled onto a fixed grid (zero-order hold: the latest keypoints fill each slot).
 */
import type { ActivityClassifier, FrameAnalysis, Keypoint } from '../types.ts';
import { ACTIVITY_HZ } from './activity-features.ts';

interface TrackWindow {
  /** Time of the latest grid slot, ms. */
  slotAt: number;
  samples: Keypoint[][];
  lastSeen: number;
}

export interface ActivityTagger {
  tag(analysis: FrameAnalysis): Promise<FrameAnalysis>;
}

export interface ActivityTaggerOptions {
  hz?: number;
  /** Forget a track's window after this long without keypoints. */
  forgetMs?: number;
}

export function createActivityTagger(classifier: ActivityClassifier, opts: ActivityTaggerOptions = {}): ActivityTagger {
  const step = 1000 / (opts.hz ?? ACTIVITY_HZ);
  const forgetMs = opts.forgetMs ?? 3000;
  const W = classifier.windowFrames;
  const windows = new Map<number, TrackWindow>();

  function push(track: number, at: number, kps: Keypoint[]): TrackWindow {
    let w = windows.get(track);
    if (!w || at - w.lastSeen > forgetMs) {
      w = { slotAt: at, samples: [kps], lastSeen: at };
      windows.set(track, w);
      return w;
    }
    // Fill every grid slot passed since the last one with the newest keypoints.
    while (at - w.slotAt >= step - 1e-6) {
      w.slotAt += step;
      w.samples.push(kps);
    }
    w.samples[w.samples.length - 1] = kps;
    if (w.samples.length > W) w.samples.splice(0, w.samples.length - W);
    w.lastSeen = at;
    return w;
  }

  return {
    async tag(analysis) {
      const at = analysis.frame.at;
      const ready: number[] = [];
      const batch: Keypoint[][][] = [];
      analysis.persons.forEach((p, i) => {
        if (!p.keypoints) return;
        const w = push(p.track, at, p.keypoints);
        if (w.samples.length === W) {
          ready.push(i);
          batch.push(w.samples.slice());
        }
      });
      for (const [track, w] of windows) if (at - w.lastSeen > forgetMs) windows.delete(track);
      if (batch.length === 0) return analysis;
      const results = await classifier.classify(batch);
      const persons = analysis.persons.slice();
      ready.forEach((idx, j) => {
        const r = results[j];
        const p = persons[idx];
        if (!r || !p) return;
        persons[idx] = { ...p, activity: { activity: r.activity, confidence: r.probs[r.activity], probs: r.probs } };
      });
      return { ...analysis, persons };
    },
  };
}
