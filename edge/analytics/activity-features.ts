/**
 * Features of one track's keypoint window for the activity model, shared by training
 * and inference so both see exactly the same numbers. The window is centred on its
 * keypoints' centroid and scaled by the largest body extent in it: position and size in
 * the image do not matter, while the body's motion inside the window (a drop, a turn to
 * horizontal) is kept.
 */
import type { Activity, Keypoint } from '../types.ts';

export const ACTIVITIES: readonly Activity[] = ['upright', 'sitting', 'lying', 'falling'];
/** Model sampling rate: windows hold one keypoint set per 1/ACTIVITY_HZ s. */
export const ACTIVITY_HZ = 10;
/** 1.5 s windows: a fall's descent (≈ 0.5–1 s) plus context before or after. */
export const WINDOW_FRAMES = 15;
export const KEYPOINTS = 17;
export const FEATURES_PER_FRAME = KEYPOINTS * 3;
/** Keypoints below this score are treated as missing (zeros). */
export const FEATURE_MIN_SCORE = 0.2;

/** Flat [windowFrames × 51] features of one window, oldest frame first. */
export function windowFeatures(window: readonly (readonly Keypoint[])[], out?: Float32Array): Float32Array {
  const f = out ?? new Float32Array(window.length * FEATURES_PER_FRAME);
  f.fill(0);
  let cx = 0;
  let cy = 0;
  let n = 0;
  let scale = 1;
  for (const kps of window) {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const k of kps) {
      if (k[2] < FEATURE_MIN_SCORE) continue;
      cx += k[0];
      cy += k[1];
      n += 1;
      x0 = Math.min(x0, k[0]);
      y0 = Math.min(y0, k[1]);
      x1 = Math.max(x1, k[0]);
      y1 = Math.max(y1, k[1]);
    }
    if (x1 >= x0) scale = Math.max(scale, x1 - x0, y1 - y0);
  }
  if (n === 0) return f;
  cx /= n;
  cy /= n;
  window.forEach((kps, i) => {
    for (let j = 0; j < KEYPOINTS; j += 1) {
      const k = kps[j];
      if (!k || k[2] < FEATURE_MIN_SCORE) continue;
      const o = i * FEATURES_PER_FRAME + j * 3;
      f[o] = (k[0] - cx) / scale;
      f[o + 1] = (k[1] - cy) / scale;
      f[o + 2] = k[2];
    }
  });
  return f;
}
