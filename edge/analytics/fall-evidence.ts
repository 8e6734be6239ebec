/**
 * Evidence of a fall read from one track's recent samples, beside the pose path in
 * fall-detector.ts: box geometry when keypoints mislead, a descent cut short by the
 * detector losing the body, and how long the whole descent took.
 */
import type { TrackedPerson } from '../types.ts';
import type { FallConfig } from './config.ts';

export interface Sample {
  t: number;
  headY: number;
  hipY: number | null;
  /** Body height estimate in pixels (box height, or torso length / 0.3 if larger). */
  scale: number;
  /** Torso upright and part of a streak of ≥ `minUprightSeconds`. */
  ref: boolean;
  box: TrackedPerson['box'];
}

export function isWide(box: TrackedPerson['box'], cfg: FallConfig): boolean {
  return box[3] > 0 && box[2] / box[3] >= cfg.lyingBoxAspect;
}

/**
 * Box-only evidence, for bodies whose keypoints stay misleading (a fall towards the
 * camera keeps the torso vertical in the image; night footage): the box is wide now, and
 * within `boxWindowSeconds` it was tall (height / width ≥ `uprightBoxAspect`) with its top
 * at least `boxMinTopDrop` of that tall box's height higher. Returns that drop, or null.
 */
export function boxDrop(history: readonly Sample[], t: number, box: TrackedPerson['box'], cfg: FallConfig): number | null {
  if (cfg.boxWindowSeconds <= 0) return null;
  let best = 0;
  for (const s of history) {
    const [, top, w, h] = s.box;
    if (t - s.t > cfg.boxWindowSeconds * 1000 || w <= 0 || h / w < cfg.uprightBoxAspect) continue;
    best = Math.max(best, (box[1] - top) / h);
  }
  return best >= cfg.boxMinTopDrop ? best : null;
}

/** Fastest head descent (pixels per second) over spans of ≥ 0.2 s. */
export function peakSpeed(trail: readonly { t: number; headY: number }[]): number {
  let best = 0;
  for (let i = 0; i < trail.length; i += 1) {
    const a = trail[i];
    if (!a) continue;
    for (let j = i + 1; j < trail.length; j += 1) {
      const b = trail[j];
      if (!b || b.t - a.t < 200) continue;
      best = Math.max(best, ((b.headY - a.headY) * 1000) / (b.t - a.t));
      break;
    }
  }
  return best;
}


/** How far before a candidate `descentSeconds` looks for the top of the descent. */
export const DESCENT_LOOKBACK_MS = 3000;

/**
 * How long the whole descent took, judged once the candidate is confirmed: the head's drop
 * from its highest point in the `DESCENT_LOOKBACK_MS` before the candidate to its lowest
 * point since, divided by its peak speed over that span (a fall covers its drop at close to
 * its peak speed; someone lying down on purpose lowers themselves slowly from top to
 * bottom). Seconds, or null when the head did not come down. A staged lie-down with one
 * fast stage (kneel, then drop flat) reads as quick: its peak speed is that stage's.
 */
export function descentSeconds(history: readonly Sample[], since: number, t: number): number | null {
  let top: Sample | null = null;
  for (const s of history) if (s.t <= since && since - s.t <= DESCENT_LOOKBACK_MS && (!top || s.headY < top.headY)) top = s;
  if (!top) return null;
  const after = history.filter((s) => s.t >= (top as Sample).t && s.t <= t);
  let bottom = top;
  for (const s of after) if (s.headY > bottom.headY) bottom = s;
  const drop = bottom.headY - top.headY;
  const speed = peakSpeed(after.filter((s) => s.t <= bottom.t));
  return drop > 0 && speed > 0 ? drop / speed : null;
}

/**
 * A body the detector lost while it was coming down fast (night footage, falls along the
 * camera axis): over the last `vanishSpanSeconds` before the last sighting the head came
 * down at ≥ `vanishMinSpeed` body heights per second, and in all ≥ `vanishMinDrop` below
 * the highest upright sample of the descent window. Returns that drop, or null.
 */
export function vanishDrop(history: readonly Sample[], windowSeconds: number, cfg: FallConfig): number | null {
  const last = history[history.length - 1];
  if (!last || cfg.vanishSeconds <= 0) return null;
  let best: Sample | null = null;
  for (const s of history) if (s.ref && last.t - s.t <= windowSeconds * 1000 && (!best || s.headY < best.headY)) best = s;
  if (!best) return null;
  const drop = (last.headY - best.headY) / best.scale;
  if (drop < cfg.vanishMinDrop) return null;
  const from = history.find((s) => last.t - s.t <= cfg.vanishSpanSeconds * 1000 && s !== last);
  if (!from) return null;
  const speed = ((last.headY - from.headY) * 1000) / (last.t - from.t) / best.scale;
  return speed >= cfg.vanishMinSpeed ? drop : null;
}
