/**
 * What the pipeline remembers about each track between frames: its last pose (moved
 * along with the box on frames where the pose is not re-estimated), posture and age
 * evidence (age.ts).
 */
import type { AgeClass, Box, Posture } from '../../protocol/index.ts';
import type { Keypoint } from '../types.ts';
import { newAgeEvidence, type AgeEvidence } from './age.ts';
import { classifyPosture, type PostureThresholds } from './posture.ts';

export interface PersonMemory {
  keypoints: Keypoint[] | null;
  keypointsBox: Box | null;
  /** Analysed-frame sequence number of the last pose estimate (-1: never). */
  poseSeq: number;
  posture: Posture;
  /** Evidence of the frames so far (age.ts) and the class it decides. */
  ageEvidence: AgeEvidence;
  age: AgeClass;
  /** Head height `y`, box height `h` and box bottom of the recent poses (pose re-find, burst trigger). */
  heads: { tMs: number; y: number; h: number; bottom: number }[];
  /** Box height at the last pose that looked upright (null: none yet): how far a fall can reach. */
  uprightHeight: number | null;
}

export function newMemory(): PersonMemory {
  return { keypoints: null, keypointsBox: null, poseSeq: -1, posture: 'unknown', ageEvidence: newAgeEvidence(), age: 'unknown', heads: [], uprightHeight: null };
}

/**
 * How much a track needs a fresh pose: frames since its last pose, weighted up when the
 * box shape changed since (someone sitting down or falling changes aspect first).
 * Never-posed tracks come first.
 */
export function posePriority(mem: PersonMemory, box: Box, seq: number): number {
  if (mem.poseSeq < 0 || !mem.keypointsBox) return Number.POSITIVE_INFINITY;
  const aspect = (b: Box) => Math.max(b[3], 1) / Math.max(b[2], 1);
  const change = Math.abs(Math.log(aspect(box) / aspect(mem.keypointsBox)));
  return (seq - mem.poseSeq) * (1 + 10 * change);
}

/** Maps keypoints estimated in box `from` into box `to` (same relative place). */
export function carryKeypoints(kps: Keypoint[], from: Box, to: Box): Keypoint[] {
  const sx = to[2] / Math.max(from[2], 1);
  const sy = to[3] / Math.max(from[3], 1);
  return kps.map(([x, y, s]) => [to[0] + (x - from[0]) * sx, to[1] + (y - from[1]) * sy, s]);
}

export interface FreshPoseContext {
  postureThresholds?: PostureThresholds;
}

/** Folds a newly estimated pose into the memory: posture, and the height at the last upright pose. */
export function applyFreshPose(mem: PersonMemory, kps: Keypoint[] | null, box: Box, seq: number, ctx: FreshPoseContext): void {
  mem.keypoints = kps;
  mem.keypointsBox = box;
  mem.poseSeq = seq;
  mem.posture = classifyPosture(kps, box, ctx.postureThresholds);
  if (mem.posture === 'upright') mem.uprightHeight = box[3];
}
