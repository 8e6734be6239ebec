/**
 * Age class (adult / child / unknown) from two cues, both required to agree before a
 * confident answer:
 * - size: the person's height against the height a standing adult has at the same foot
 *   position, learned online per camera (adults are the tallest people at any depth);
 * - proportion: head size against body height (a toddler's head is about a quarter of
 *   its height, an adult's about an eighth).
 * Only upright, fully visible people give evidence; a track keeps a vote so a child
 * who sits down stays a child, and a track without enough evidence stays `unknown`.
 */
import type { AgeClass, Box, Posture } from '../../protocol/index.ts';
import type { Keypoint } from '../types.ts';
import { KP, distance, midpoint, point } from './keypoints.ts';

export interface PerspectiveModelOptions {
  /** Horizontal bands of foot position used to collect heights. */
  bands: number;
  /** Height quantile taken as the adult height in a band (adults are the tallest). */
  quantile: number;
  /** Samples per band before the band counts. */
  minSamples: number;
  maxSamplesPerBand: number;
}

export interface PerspectiveModel {
  /** Records a standing, fully visible person (foot y, box height), in source pixels. */
  observe(footY: number, height: number): void;
  /** Expected adult height at this foot y, or null while the model has too little data. */
  expectedHeight(footY: number): number | null;
  readonly samples: number;
}

export function createPerspectiveModel(frameHeight: number, options: Partial<PerspectiveModelOptions> = {}): PerspectiveModel {
  const o: PerspectiveModelOptions = { bands: 8, quantile: 0.7, minSamples: 8, maxSamplesPerBand: 200, ...options };
  const bands: number[][] = Array.from({ length: o.bands }, () => []);
  let samples = 0;
  let fit: { a: number; b: number } | null = null;
  let dirty = false;

  function bandOf(y: number): number {
    return Math.max(0, Math.min(o.bands - 1, Math.floor((y / frameHeight) * o.bands)));
  }

  function refit(): void {
    dirty = false;
    const pts: [number, number, number][] = [];
    bands.forEach((hs, i) => {
      if (hs.length < o.minSamples) return;
      const sorted = [...hs].sort((p, q) => p - q);
      const q = sorted[Math.min(sorted.length - 1, Math.floor(o.quantile * sorted.length))] as number;
      pts.push([((i + 0.5) / o.bands) * frameHeight, q, hs.length]);
    });
    if (pts.length === 0) {
      fit = null;
      return;
    }
    if (pts.length === 1) {
      // One band: constant height near it is still better than nothing.
      fit = { a: (pts[0] as [number, number, number])[1], b: 0 };
      return;
    }
    // Weighted least squares: height = a + b·footY (pinhole camera over a flat floor).
    let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const [x, y, w] of pts) {
      sw += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y;
    }
    const den = sw * sxx - sx * sx;
    const b = den !== 0 ? (sw * sxy - sx * sy) / den : 0;
    fit = { a: (sy - b * sx) / sw, b };
  }

  return {
    observe(footY, height) {
      const band = bands[bandOf(footY)] as number[];
      band.push(height);
      if (band.length > o.maxSamplesPerBand) band.shift();
      samples++;
      dirty = true;
    },
    expectedHeight(footY) {
      if (dirty) refit();
      if (!fit) return null;
      const h = fit.a + fit.b * footY;
      return h > 0 ? h : null;
    },
    get samples() {
      return samples;
    },
  };
}

export interface AgeThresholds {
  /** Height relative to the expected adult height at or above which a person looks adult. */
  adultMinRelHeight: number;
  /** At or below which a person looks like a child. */
  childMaxRelHeight: number;
  /** Nose-to-shoulder-line distance over body height: adults below, toddlers above. */
  adultMaxHeadRatio: number;
  childMinHeadRatio: number;
}

export const defaultAgeThresholds: AgeThresholds = {
  adultMinRelHeight: 0.8,
  childMaxRelHeight: 0.62,
  adultMaxHeadRatio: 0.11,
  childMinHeadRatio: 0.13,
};

export type AgeEvidence = 'adult' | 'child' | null;

/** Is this pose usable as a full standing body (for perspective learning and age)? */
export function isFullBodyUpright(kps: Keypoint[] | null, posture: Posture): boolean {
  if (posture !== 'upright' || !kps) return false;
  const head = point(kps, KP.nose) ?? midpoint(kps, KP.leftEar, KP.rightEar);
  const ankles = midpoint(kps, KP.leftAnkle, KP.rightAnkle);
  return head !== null && ankles !== null;
}

/** Head-to-body proportion: nose (or ears) to shoulder line, over box height. */
export function headRatio(kps: Keypoint[], box: Box): number | null {
  const head = point(kps, KP.nose) ?? midpoint(kps, KP.leftEar, KP.rightEar);
  const shoulders = midpoint(kps, KP.leftShoulder, KP.rightShoulder);
  if (!head || !shoulders || box[3] <= 0) return null;
  return distance(head, shoulders) / box[3];
}

/** One frame's evidence; null when the frame says nothing reliable. */
export function ageEvidence(
  kps: Keypoint[] | null,
  box: Box,
  posture: Posture,
  expectedHeight: number | null,
  t = defaultAgeThresholds,
): AgeEvidence {
  if (!kps || !isFullBodyUpright(kps, posture)) return null;
  const ratio = headRatio(kps, box);
  if (ratio === null) return null;
  const rel = expectedHeight ? box[3] / expectedHeight : null;
  if (rel !== null && rel >= t.adultMinRelHeight && ratio <= t.adultMaxHeadRatio) return 'adult';
  if (rel !== null && rel <= t.childMaxRelHeight && ratio >= t.childMinHeadRatio) return 'child';
  return null;
}

/** Per-track vote: a label needs `minVotes` and a clear majority, else `unknown`. */
export interface AgeVote {
  adult: number;
  child: number;
}

export function decideAge(vote: AgeVote, minVotes = 3, minShare = 0.75): AgeClass {
  const total = vote.adult + vote.child;
  if (total < minVotes) return 'unknown';
  if (vote.adult / total >= minShare) return 'adult';
  if (vote.child / total >= minShare) return 'child';
  return 'unknown';
}
