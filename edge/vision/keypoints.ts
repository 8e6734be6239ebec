/**
 * COCO-17 keypoint names and small helpers shared by posture, age, rendering and the
 * analytics engineer's feature extraction.
 */
import type { Box } from '../../protocol/index.ts';
import type { Keypoint } from '../types.ts';

export const KEYPOINT_NAMES = [
  'nose', 'leftEye', 'rightEye', 'leftEar', 'rightEar', 'leftShoulder', 'rightShoulder', 'leftElbow',
  'rightElbow', 'leftWrist', 'rightWrist', 'leftHip', 'rightHip', 'leftKnee', 'rightKnee', 'leftAnkle', 'rightAnkle',
] as const;
export type KeypointName = (typeof KEYPOINT_NAMES)[number];

export const KP: Record<KeypointName, number> = Object.fromEntries(KEYPOINT_NAMES.map((n, i) => [n, i])) as Record<
  KeypointName,
  number
>;

/** Limb pairs for drawing skeletons. */
export const SKELETON: [number, number][] = [
  [0, 1], [0, 2], [1, 3], [2, 4], [5, 6], [5, 7], [7, 9], [6, 8], [8, 10], [5, 11], [6, 12], [11, 12],
  [11, 13], [13, 15], [12, 14], [14, 16],
];

export const MIN_KEYPOINT_SCORE = 0.3;

export type Point = [number, number];

/**
 * How sure a pose is: its mean keypoint score and its keypoints scoring at least
 * `minScore` (the pose re-find, the lying-body sweep and its probe judge poses by both).
 */
export function poseConfidence(kps: readonly Keypoint[], minScore = MIN_KEYPOINT_SCORE): { mean: number; sure: Keypoint[] } {
  const mean = kps.length ? kps.reduce((s, k) => s + k[2], 0) / kps.length : 0;
  return { mean, sure: kps.filter((k) => k[2] >= minScore) };
}

/** The keypoint if confident enough, else null. */
export function point(kps: Keypoint[], i: number, minScore = MIN_KEYPOINT_SCORE): Point | null {
  const k = kps[i];
  return k && k[2] >= minScore ? [k[0], k[1]] : null;
}

/** Midpoint of two keypoints, or the one that is visible. */
export function midpoint(kps: Keypoint[], a: number, b: number, minScore = MIN_KEYPOINT_SCORE): Point | null {
  const pa = point(kps, a, minScore);
  const pb = point(kps, b, minScore);
  if (pa && pb) return [(pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2];
  return pa ?? pb;
}

/** Angle of the vector a→b from straight down, in degrees (0 = vertical, 90 = horizontal). */
export function angleFromVertical(a: Point, b: Point): number {
  const dx = Math.abs(b[0] - a[0]);
  const dy = Math.abs(b[1] - a[1]);
  return (Math.atan2(dx, dy) * 180) / Math.PI;
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/**
 * Keypoints normalised to the person's box (x, y in 0..1, score kept), flattened to 51
 * numbers; missing keypoints become zeros. The activity model's input features.
 */
export function normaliseKeypoints(kps: Keypoint[] | null, box: Box): number[] {
  const out = new Array<number>(51).fill(0);
  if (!kps) return out;
  const w = Math.max(box[2], 1);
  const h = Math.max(box[3], 1);
  kps.forEach((k, i) => {
    out[i * 3] = (k[0] - box[0]) / w;
    out[i * 3 + 1] = (k[1] - box[1]) / h;
    out[i * 3 + 2] = k[2];
  });
  return out;
}
