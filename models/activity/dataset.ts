/**
 * Turns labelled keypoint sequences (real tracks from the keypoint cache, synthetic
 * skeletons) into model windows and features, with augmentation.
 */
import type { Box } from '../../protocol/index.ts';
import type { Activity, Keypoint } from '../../edge/types.ts';
import { ACTIVITIES, FEATURES_PER_FRAME, WINDOW_FRAMES, windowFeatures } from '../../edge/analytics/activity-features.ts';
import { bodyState } from '../../edge/analytics/pose-geometry.ts';
import { FallConfig } from '../../edge/analytics/config.ts';
import { augmentWindow, resample, uniform, type Rng } from './augment.ts';
import type { FrameLabel } from './clips.ts';

export interface LabelledSample {
  keypoints: Keypoint[] | null;
  label: Activity | null;
}

const GEOMETRY = FallConfig.parse({});

/**
 * A real frame's class: the dataset's label where it has one (falling, lying), else the
 * posture read from geometry (upright / sitting / lying). Going down on purpose (`down`)
 * is never `falling`.
 */
export function activityOf(label: FrameLabel | null, kps: Keypoint[] | null, box: Box): Activity | null {
  if (label === null || !kps) return null;
  if (label === 'falling') return 'falling';
  if (label === 'lying') return 'lying';
  const st = bodyState(kps, box, GEOMETRY);
  if (st.upright) return 'upright';
  if (st.down) return 'lying';
  return 'sitting';
}

/** Windows of `W` consecutive samples labelled by their last sample; gaps hold the last keypoints. */
export function windowsOf(seq: readonly LabelledSample[], W = WINDOW_FRAMES): { window: Keypoint[][]; label: Activity }[] {
  const filled: (Keypoint[] | null)[] = [];
  let last: Keypoint[] | null = null;
  for (const s of seq) {
    if (s.keypoints) last = s.keypoints;
    filled.push(last);
  }
  const out: { window: Keypoint[][]; label: Activity }[] = [];
  for (let e = W - 1; e < seq.length; e += 1) {
    const label = seq[e]?.label;
    const w = filled.slice(e - W + 1, e + 1);
    if (!label || w.some((k) => k === null)) continue;
    out.push({ window: w as Keypoint[][], label });
  }
  return out;
}

function blend(a: LabelledSample, b: LabelledSample, u: number): LabelledSample {
  const pick = u < 0.5 ? a : b;
  if (!a.keypoints || !b.keypoints) return pick;
  const bk = b.keypoints;
  return {
    keypoints: a.keypoints.map((k, j) => {
      const q = bk[j] ?? k;
      return [k[0] + (q[0] - k[0]) * u, k[1] + (q[1] - k[1]) * u, Math.min(k[2], q[2])] as Keypoint;
    }),
    label: pick.label,
  };
}

export interface Dataset {
  /** Frames per window (every part of a concatenation has the same). */
  windowFrames: number;
  x: Float32Array;
  y: Int32Array;
  n: number;
  counts: Record<Activity, number>;
}

export interface BuildOptions {
  rng: Rng;
  /** Augmented copies per sequence in addition to the original. */
  copies: number;
  childP: number;
  /** Frames per window; default the shipped model's `WINDOW_FRAMES`. */
  windowFrames?: number;
}

export function buildDataset(sequences: readonly LabelledSample[][], opts: BuildOptions): Dataset {
  const W = opts.windowFrames ?? WINDOW_FRAMES;
  const windows: { window: Keypoint[][]; label: Activity }[] = [];
  for (const seq of sequences) {
    for (let c = 0; c <= opts.copies; c += 1) {
      const rate = c === 0 ? 1 : uniform(opts.rng, 0.75, 1.33);
      const s = rate === 1 ? seq : resample(seq, rate, blend);
      for (const w of windowsOf(s, W)) windows.push(c === 0 ? w : { window: augmentWindow(w.window, opts.rng, { childP: opts.childP }), label: w.label });
    }
  }
  const per = FEATURES_PER_FRAME * W;
  const x = new Float32Array(windows.length * per);
  const y = new Int32Array(windows.length);
  const counts = Object.fromEntries(ACTIVITIES.map((a) => [a, 0])) as Record<Activity, number>;
  windows.forEach((w, i) => {
    windowFeatures(w.window, x.subarray(i * per, (i + 1) * per));
    y[i] = ACTIVITIES.indexOf(w.label);
    counts[w.label] += 1;
  });
  return { windowFrames: W, x, y, n: windows.length, counts };
}

export function concatDatasets(parts: readonly Dataset[]): Dataset {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const W = parts[0]?.windowFrames ?? WINDOW_FRAMES;
  if (parts.some((p) => p.windowFrames !== W)) throw new Error('concatDatasets: parts have different window lengths');
  const per = FEATURES_PER_FRAME * W;
  const x = new Float32Array(n * per);
  const y = new Int32Array(n);
  const counts = Object.fromEntries(ACTIVITIES.map((a) => [a, 0])) as Record<Activity, number>;
  let o = 0;
  for (const p of parts) {
    x.set(p.x.subarray(0, p.n * per), o * per);
    y.set(p.y.subarray(0, p.n), o);
    for (const a of ACTIVITIES) counts[a] += p.counts[a];
    o += p.n;
  }
  return { windowFrames: W, x, y, n, counts };
}
