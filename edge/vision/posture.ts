/**
 * Posture from one pose: torso angle separates lying from the rest, thigh angle and the
 * knee's height relative to the hip separate sitting from standing; without a usable
 * pose only a clear box shape decides, otherwise `unknown`.
 */
import type { Box, Posture } from '../../protocol/index.ts';
import type { Keypoint } from '../types.ts';
import { KP, angleFromVertical, distance, midpoint } from './keypoints.ts';

export interface PostureThresholds {
  /** Torso tilt beyond which a person is lying. */
  lyingTorsoDeg: number;
  /** Torso tilt below which a person can be upright or sitting. */
  uprightTorsoDeg: number;
  /** Thigh tilt beyond which a person with an upright torso is sitting. */
  sittingThighDeg: number;
  /** Hip-to-ankle drop relative to torso length below which the legs are folded. */
  foldedLegRatio: number;
}

export const defaultPostureThresholds: PostureThresholds = {
  lyingTorsoDeg: 60,
  uprightTorsoDeg: 35,
  sittingThighDeg: 55,
  foldedLegRatio: 0.8,
};

function fromBox(box: Box): Posture {
  const aspect = box[3] / Math.max(box[2], 1);
  if (aspect >= 2) return 'upright';
  if (aspect <= 0.6) return 'lying';
  return 'unknown';
}

export function classifyPosture(kps: Keypoint[] | null, box: Box, t = defaultPostureThresholds): Posture {
  if (!kps) return fromBox(box);
  const shoulders = midpoint(kps, KP.leftShoulder, KP.rightShoulder);
  const hips = midpoint(kps, KP.leftHip, KP.rightHip);
  if (!shoulders || !hips) return fromBox(box);
  const torsoLen = distance(shoulders, hips);
  if (torsoLen < 2) return 'unknown';
  const torso = angleFromVertical(shoulders, hips);
  if (torso >= t.lyingTorsoDeg) return 'lying';
  if (torso > t.uprightTorsoDeg) return 'unknown';
  // Head below hips with an upright torso means the pose is upside down: not trusted.
  if (hips[1] < shoulders[1]) return 'lying';
  const knees = midpoint(kps, KP.leftKnee, KP.rightKnee);
  const ankles = midpoint(kps, KP.leftAnkle, KP.rightAnkle);
  if (knees) {
    const thigh = angleFromVertical(hips, knees);
    if (thigh >= t.sittingThighDeg) return 'sitting';
    if (ankles) {
      const drop = (ankles[1] - hips[1]) / torsoLen;
      if (drop < t.foldedLegRatio) return 'sitting';
      return 'upright';
    }
    return thigh < 30 ? 'upright' : 'unknown';
  }
  return fromBox(box) === 'upright' ? 'upright' : 'unknown';
}
