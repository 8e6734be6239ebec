/** Synthetic COCO-17 poses for posture and age rules: a body of given height at a foot position. */
import type { Keypoint } from '../../edge/types.ts';
import type { Box } from '../../protocol/index.ts';

type P = [number, number];

function kp(points: P[], score = 0.9): Keypoint[] {
  return points.map(([x, y]) => [x, y, score]);
}

/**
 * Standing person: `height` px tall, feet at (footX, footY). `headRatio` is the nose to
 * shoulder-line distance over height (adult ≈ 0.09, toddler ≈ 0.16).
 */
export function standing(footX: number, footY: number, height: number, headRatio = 0.09): { kps: Keypoint[]; box: Box } {
  const top = footY - height;
  const shoulderY = top + height * (0.06 + headRatio);
  const noseY = shoulderY - height * headRatio;
  const hipY = top + height * 0.52;
  const kneeY = top + height * 0.75;
  const w = height * 0.12;
  const pts: P[] = [
    [footX, noseY], [footX - 3, noseY - 3], [footX + 3, noseY - 3], [footX - 6, noseY], [footX + 6, noseY],
    [footX - w, shoulderY], [footX + w, shoulderY], [footX - w * 1.1, hipY - 10], [footX + w * 1.1, hipY - 10],
    [footX - w, hipY], [footX + w, hipY], [footX - w * 0.6, hipY], [footX + w * 0.6, hipY],
    [footX - w * 0.6, kneeY], [footX + w * 0.6, kneeY], [footX - w * 0.6, footY], [footX + w * 0.6, footY],
  ];
  return { kps: kp(pts), box: [footX - height * 0.15, top, height * 0.3, height] };
}

/** Sitting on the floor: upright torso, thighs horizontal, shins down. */
export function sitting(x: number, floorY: number, torso: number): { kps: Keypoint[]; box: Box } {
  const hipY = floorY - torso * 0.15;
  const shoulderY = hipY - torso;
  const noseY = shoulderY - torso * 0.45;
  const pts: P[] = [
    [x, noseY], [x - 3, noseY - 3], [x + 3, noseY - 3], [x - 6, noseY], [x + 6, noseY],
    [x - 10, shoulderY], [x + 10, shoulderY], [x - 12, shoulderY + 20], [x + 12, shoulderY + 20],
    [x - 8, hipY - 5], [x + 8, hipY - 5], [x - 6, hipY], [x + 6, hipY],
    [x + torso * 0.7, hipY - 4], [x + torso * 0.7, hipY - 2], [x + torso * 0.8, floorY], [x + torso * 0.8, floorY],
  ];
  return { kps: kp(pts), box: [x - 15, noseY - 8, torso * 0.8 + 20, floorY - noseY + 8] };
}

/** Lying along the floor: head left, feet right. */
export function lying(x: number, floorY: number, length: number): { kps: Keypoint[]; box: Box } {
  const y = floorY - 8;
  const at = (f: number): number => x + f * length;
  const pts: P[] = [
    [at(0.05), y], [at(0.04), y - 3], [at(0.04), y + 3], [at(0.02), y - 5], [at(0.02), y + 5],
    [at(0.18), y - 8], [at(0.18), y + 8], [at(0.3), y - 10], [at(0.3), y + 10],
    [at(0.4), y - 10], [at(0.4), y + 10], [at(0.5), y - 6], [at(0.5), y + 6],
    [at(0.72), y - 6], [at(0.72), y + 6], [at(0.95), y - 6], [at(0.95), y + 6],
  ];
  return { kps: kp(pts), box: [x, y - 14, length, 28] };
}
