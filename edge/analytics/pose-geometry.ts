/**
 * Geometry of one person's COCO-17 keypoints, shared by the fall rule and the activity
 * model's feature extraction so both read a body the same way.
 */
import type { Box } from '../../protocol/index.ts';
import type { Keypoint } from '../types.ts';

export const KP = {
  nose: 0,
  leftEye: 1,
  rightEye: 2,
  leftEar: 3,
  rightEar: 4,
  leftShoulder: 5,
  rightShoulder: 6,
  leftElbow: 7,
  rightElbow: 8,
  leftWrist: 9,
  rightWrist: 10,
  leftHip: 11,
  rightHip: 12,
  leftKnee: 13,
  rightKnee: 14,
  leftAnkle: 15,
  rightAnkle: 16,
} as const;

/** Left/right partner of each keypoint, for mirroring. */
export const MIRROR_INDEX = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15] as const;

/** Mean of the confident keypoints among `idx`, or null when none is confident. */
export function meanPoint(kps: readonly Keypoint[], idx: readonly number[], minScore: number): [number, number] | null {
  let x = 0;
  let y = 0;
  let n = 0;
  for (const i of idx) {
    const k = kps[i];
    if (k && k[2] >= minScore) {
      x += k[0];
      y += k[1];
      n += 1;
    }
  }
  return n === 0 ? null : [x / n, y / n];
}

/**
 * Angle in degrees between the hip→shoulder vector and "up" in the image: 0 standing,
 * 90 lying, 180 upside down. Null when shoulders or hips are not visible.
 */
export function torsoAngleDeg(kps: readonly Keypoint[] | null, minScore: number): number | null {
  if (!kps) return null;
  const sh = meanPoint(kps, [KP.leftShoulder, KP.rightShoulder], minScore);
  const hip = meanPoint(kps, [KP.leftHip, KP.rightHip], minScore);
  if (!sh || !hip) return null;
  const dx = sh[0] - hip[0];
  const dy = hip[1] - sh[1];
  if (Math.hypot(dx, dy) < 1e-6) return null;
  return (Math.atan2(Math.abs(dx), dy) * 180) / Math.PI;
}

/** Image y of the head: mean of the confident face keypoints, else the top of the box. */
export function headY(kps: readonly Keypoint[] | null, box: Box, minScore: number): number {
  const head = kps ? meanPoint(kps, [KP.nose, KP.leftEye, KP.rightEye, KP.leftEar, KP.rightEar], minScore) : null;
  return head ? head[1] : box[1];
}

export interface BodyState {
  /** Standing: torso vertical and legs extended. */
  upright: boolean;
  /** Torso vertical, standing or sitting. */
  torsoUpright: boolean;
  /** Shoulder-to-hip length in pixels, null when not visible. */
  torsoLength: number | null;
  down: boolean;
  torsoDeg: number | null;
  headY: number;
  /** Image y of the hip midpoint, null when the hips are not visible. */
  hipY: number | null;
}

export interface BodyThresholds {
  uprightTorsoDeg: number;
  lyingTorsoDeg: number;
  lyingBoxAspect: number;
  uprightBoxAspect: number;
  minKeypointScore: number;
}

/**
 * Upright / down from the torso angle when the torso is visible, else from the box shape.
 * A wide box never counts as upright, but it alone is not "down" when the torso is seen:
 * sitting on the floor with legs stretched out makes a wide box too.
 */
export function bodyState(kps: readonly Keypoint[] | null, box: Box, th: BodyThresholds): BodyState {
  const torsoDeg = torsoAngleDeg(kps, th.minKeypointScore);
  const [, , w, h] = box;
  const wide = h > 0 && w / h >= th.lyingBoxAspect;
  const tall = w > 0 && h / w >= th.uprightBoxAspect;
  const torsoUpright = torsoDeg !== null ? torsoDeg <= th.uprightTorsoDeg && !wide : tall;
  const upright = torsoUpright && legsExtended(kps, th.minKeypointScore);
  const down = torsoDeg !== null ? torsoDeg >= th.lyingTorsoDeg : wide;
  const hip = kps ? meanPoint(kps, [KP.leftHip, KP.rightHip], th.minKeypointScore) : null;
  const sh = kps ? meanPoint(kps, [KP.leftShoulder, KP.rightShoulder], th.minKeypointScore) : null;
  const torsoLength = hip && sh ? Math.hypot(sh[0] - hip[0], sh[1] - hip[1]) : null;
  return { upright, torsoUpright, torsoLength, down, torsoDeg, headY: headY(kps, box, th.minKeypointScore), hipY: hip ? hip[1] : null };
}

/**
 * Standing, not sitting: the legs reach well below the hips relative to the torso. Unknown
 * (true) when neither knees nor ankles are visible, e.g. a person cut off at the waist.
 */
export function legsExtended(kps: readonly Keypoint[] | null, minScore: number): boolean {
  if (!kps) return true;
  const sh = meanPoint(kps, [KP.leftShoulder, KP.rightShoulder], minScore);
  const hip = meanPoint(kps, [KP.leftHip, KP.rightHip], minScore);
  if (!sh || !hip) return true;
  const torso = Math.hypot(sh[0] - hip[0], sh[1] - hip[1]);
  if (torso < 1e-6) return true;
  const ankle = meanPoint(kps, [KP.leftAnkle, KP.rightAnkle], minScore);
  if (ankle) return (ankle[1] - hip[1]) / torso >= 1.1;
  const knee = meanPoint(kps, [KP.leftKnee, KP.rightKnee], minScore);
  if (knee) return (knee[1] - hip[1]) / torso >= 0.5;
  return true;
}
