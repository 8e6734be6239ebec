/**
 * Pose re-find: a body the detector loses is looked for with the pose model in the region
 * where it was last seen. CenterNet often stops seeing a person once they are on the
 * floor (lying bodies, strong foreshortening, low light), exactly when the fall rule needs
 * them; single-person MoveNet on a crop of that region still finds the body (measured on
 * the fit clips, e.g. GMDCSA24 subject 2 fall 13: mean keypoint score 0.33–0.44 on the
 * lying body for 5 s after the detector lost it, 0.07–0.16 on background crops).
 *
 * Which tracks: confirmed tracks that had a pose, missed by the detector on this frame,
 * last seen (by detector or by re-find) at most `withinMs` ago, and going down or down:
 * their last posture was not `upright`, or their head came down by ≥ `minHeadDrop` of
 * the box height within `descentMs` before they were lost. People walking upright who are
 * lost behind others are left to the tracker: re-finding them swapped identities in
 * crowds (vtest IDF1 0.693 → 0.608 when every lost track was looked for). At most
 * `maxPerFrame` a frame. A found pose counts only when it is confident (`minMeanScore`,
 * `minKeypoints`) and does not sit on a person the detector did see (IoU ≤
 * `maxOverlap`): an occluded person's crop shows the occluder, who is tracked already.
 */
import type { Box, Posture } from '../../protocol/index.ts';
import type { Keypoint } from '../types.ts';
import { iou } from './geometry.ts';
import { poseConfidence } from './keypoints.ts';
import type { TrackState } from './tracker.ts';

export interface PoseRefindOptions {
  maxPerFrame: number;
  withinMs: number;
  /** The crop is the last box grown by this fraction of its longer side on every side. */
  grow: number;
  minMeanScore: number;
  /** Keypoints at or above `keypointScore` needed. */
  minKeypoints: number;
  keypointScore: number;
  maxOverlap: number;
  /** Head descent (fraction of the box height) within `descentMs` that makes an upright track eligible. */
  minHeadDrop: number;
  descentMs: number;
}

export const defaultPoseRefindOptions: PoseRefindOptions = {
  maxPerFrame: 1,
  withinMs: 1000,
  grow: 0.25,
  minMeanScore: 0.3,
  minKeypoints: 8,
  keypointScore: 0.3,
  maxOverlap: 0.3,
  minHeadDrop: 0.1,
  descentMs: 600,
};

export interface RefindMemory {
  posture: Posture;
  heads: readonly { tMs: number; y: number; h: number }[];
}

/** How far the head came down (fraction of the box height) over the `windowMs` up to `tMs`. */
export function headDrop(heads: RefindMemory['heads'], tMs: number, windowMs: number): number {
  const recent = heads.filter((s) => s.tMs <= tMs && tMs - s.tMs <= windowMs);
  const last = recent[recent.length - 1];
  if (!last || recent.length < 2) return 0;
  const top = Math.min(...recent.map((s) => s.y));
  return (last.y - top) / Math.max(1, last.h);
}

export interface RefindRequest {
  id: number;
  /** Region to run the pose model on. */
  roi: Box;
}

function grown(box: Box, by: number, width: number, height: number): Box {
  const m = Math.max(box[2], box[3]) * by;
  const x0 = Math.max(0, box[0] - m);
  const y0 = Math.max(0, box[1] - m);
  const x1 = Math.min(width, box[0] + box[2] + m);
  const y1 = Math.min(height, box[1] + box[3] + m);
  return [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)];
}

/** Lost tracks worth a re-find this frame, most recently seen first. */
export function refindRequests(
  live: readonly TrackState[],
  seen: readonly TrackState[],
  /** The track's pose memory, or null when it never had a pose. */
  memoryOf: (id: number) => RefindMemory | null,
  tMs: number,
  frame: { width: number; height: number },
  opts: PoseRefindOptions,
): RefindRequest[] {
  if (opts.maxPerFrame <= 0) return [];
  const detected = seen.filter((t) => t.detection >= 0).map((t) => t.box);
  return live
    .filter((t) => t.confirmed && t.id !== 0 && t.lastSeenMs < tMs && tMs - t.lastSeenMs <= opts.withinMs)
    .filter((t) => {
      const m = memoryOf(t.id);
      return m !== null && (m.posture !== 'upright' || headDrop(m.heads, t.lastSeenMs, opts.descentMs) >= opts.minHeadDrop);
    })
    .filter((t) => !detected.some((b) => iou(b, t.box) > opts.maxOverlap))
    .sort((a, b) => b.lastSeenMs - a.lastSeenMs)
    .slice(0, opts.maxPerFrame)
    .map((t) => ({ id: t.id, roi: grown(t.box, opts.grow, frame.width, frame.height) }));
}

/**
 * The box of a confident re-found pose (its confident keypoints' extent, grown by 10 % of
 * the longer side, within the frame), or null when the pose is not confident enough or
 * lies on a person the detector saw.
 */
export function refoundBox(
  kps: readonly Keypoint[] | null,
  seen: readonly TrackState[],
  frame: { width: number; height: number },
  opts: PoseRefindOptions,
): { box: Box; score: number } | null {
  if (!kps || kps.length === 0) return null;
  const { mean, sure } = poseConfidence(kps, opts.keypointScore);
  if (mean < opts.minMeanScore || sure.length < opts.minKeypoints) return null;
  const xs = sure.map((k) => k[0]);
  const ys = sure.map((k) => k[1]);
  const extent: Box = [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
  const box = grown(extent, 0.1, frame.width, frame.height);
  if (seen.some((t) => t.detection >= 0 && iou(t.box, box) > opts.maxOverlap)) return null;
  return { box, score: Math.round(mean * 1000) / 1000 };
}
