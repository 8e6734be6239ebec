/**
 * Runs an ActivityClassifier over each track's recent keypoints and writes the result to
 * `TrackedPerson.activity`, before the (synchronous) rule engine sees the frame. Frames
 * arrive at the camera's rate; the model wants `hz` samples per second, so each track is
 * resampled onto a fixed grid (zero-order hold: the latest keypoints fill each slot) of
 * media time (`frame.t`).
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
  /**
   * Classify a young track once it has this many samples, its window padded at the start
   * with its first keypoints (a person who just appeared, e.g. mid-fall). Default: half a
   * window (8 of 15), chosen on the fit split (the veto then kept 19 of 26 fit falls
   * instead of 16, with no new false alarm).
   */
  minSamples?: number;
}

export function createActivityTagger(classifier: ActivityClassifier, opts: ActivityTaggerOptions = {}): ActivityTagger {
  const step = 1000 / (opts.hz ?? ACTIVITY_HZ);
  const forgetMs = opts.forgetMs ?? 3000;
  const W = classifier.windowFrames;
  const minSamples = Math.min(W, Math.max(1, opts.minSamples ?? Math.ceil(W / 2)));
  const windows = new Map<number, TrackWindow>();

  function push(track: number, at: number, kps: Keypoint[]): TrackWindow {
    let w = windows.get(track);
    // Media time going backwards means the source restarted: start the window afresh.
    if (!w || at - w.lastSeen > forgetMs || at < w.lastSeen) {
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
      // Media time: offline files decode faster than real time, so `frame.at` would
      // squeeze a window's 1.5 s into milliseconds.
      const at = analysis.frame.t * 1000;
      const ready: number[] = [];
      const batch: Keypoint[][][] = [];
      analysis.persons.forEach((p, i) => {
        if (!p.keypoints) return;
        const w = push(p.track, at, p.keypoints);
        if (w.samples.length >= minSamples) {
          ready.push(i);
          const first = w.samples[0] ?? p.keypoints;
          batch.push([...Array<Keypoint[]>(W - w.samples.length).fill(first), ...w.samples]);
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
