/**
 * Lying-body sweep: once every `everyMs` of a camera's media time, MoveNet MultiPose runs
 * on the whole frame in the background, and `applyAfterMs` later a body it found lying
 * where nobody is tracked becomes a track (a lying body is a still one).
 *
 * Why: CenterNet (the detector) often does not see a person lying still — on the floor
 * after a fall, on a bed or a nap mat. On GMDCSA24 subject 4 fall 02 it scores the person
 * lying on the bed 0.06–0.23 for the whole clip (a track needs 0.3); across the fall clips
 * a person was tracked on only about half the frames labelled lying. A napping child the
 * pipeline does not see is also missing from the ratio and unattended counts.
 * MultiPose sees many of those bodies (`models/eval/lying-probe.ts` measures it), at about
 * 4× CenterNet's cost, hence once a second rather than every frame.
 *
 * A body is adopted when MultiPose scores it ≥ `minScore`, its own keypoints are
 * confident enough (`minMeanScore`, `minKeypoints` ≥ `keypointScore`), its posture is
 * `lying`, and it does not overlap a person reported on this frame (IoU ≤ `maxOverlap`).
 * The tracker keeps an adopted body reported for `holdMs` without further sightings (a
 * lying body is a still one; the next sweep renews it) unless the detector or the pose
 * re-find sees it first. Only lying bodies: a standing or sitting person the detector
 * misses is a tracking question, and a MultiPose box on its own invented people on vtest
 * (precision 0.96 at 0.2 there, models/README.md).
 */
import type { Box } from '../../protocol/index.ts';
import type { Keypoint } from '../types.ts';
import { goingDown, type BurstOptions } from './burst.ts';
import { clampBox, coveredShare, iou, unionBox } from './geometry.ts';
import type { PersonMemory } from './person-state.ts';
import type { TrackState } from './tracker.ts';
import { poseConfidence } from './keypoints.ts';
import { classifyPosture, type PostureThresholds } from './posture.ts';

export interface LyingSweepOptions {
  /** Media time between two sweeps of one camera. */
  everyMs: number;
  /**
   * Media time after the swept frame at which its bodies are adopted. The sweep runs in
   * the background meanwhile (≈ 0.3 s on one WASM thread): waiting for it on the swept
   * frame held the camera's next frames back, and live capture dropped them (a 2-core
   * box kept fewer than 2 cameras at one sweep a second). A frame due to adopt waits for
   * a sweep still running (`sweepWaitMs` in the pipeline's stats). 0: the swept frame
   * waits for its own sweep (what the keypoint cache of the evaluations pins).
   */
  applyAfterMs: number;
  /** MultiPose input width (rounded to 32); the height follows the frame's aspect. */
  inputWidth: number;
  /** MultiPose person score at or above which a body is considered. */
  minScore: number;
  minMeanScore: number;
  /** Keypoints at or above `keypointScore` needed. */
  minKeypoints: number;
  keypointScore: number;
  /** Largest IoU with a person reported on the frame (that person is tracked already). */
  maxOverlap: number;
  /** How long an adopted body stays reported without being seen again. */
  holdMs: number;
}

/** An adopted body is held this many sweep periods: one missed sweep does not drop it. */
export const HOLD_SWEEPS = 2.5;

export const defaultLyingSweepOptions: LyingSweepOptions = {
  everyMs: 1000,
  applyAfterMs: 500,
  inputWidth: 512,
  minScore: 0.15,
  minMeanScore: 0.2,
  minKeypoints: 5,
  keypointScore: 0.3,
  maxOverlap: 0.3,
  holdMs: HOLD_SWEEPS * 1000,
};

/**
 * Fall sweep: the detector often loses a falling body (a tall box turns into a wide one)
 * and then does not see it on the floor; on a camera without a nap zone no lying-body
 * sweep runs to find it again. When the detector loses a person where they cannot have
 * walked out of view (`vanishedInView`), or whose head was coming down (the burst trigger,
 * burst.ts), MultiPose sweeps the part of the frame where they may lie (`fallRegion`)
 * `firstAfterMs` later (by then a falling body is down: on the frame of the loss it is
 * still on its way) and every `everyMs` after that until `forMs` after the loss (by
 * default once), and lying bodies it finds
 * are adopted as the lying-body sweep adopts them (the lost track takes its body back, or
 * the fall rule's handover links the two). Awaited on the swept frame, which holds the
 * camera's next frames back (live capture drops some): adopting the body a moment later,
 * in the background, leaves a gap between the last upright and the first lying sample
 * that the fall rule reads as a slow descent (MODEL_CARD "Eleventh round").
 */
export interface FallSweepOptions {
  /** Media time after the loss of the first sweep. */
  firstAfterMs: number;
  /** Media time between two fall sweeps of one camera. */
  everyMs: number;
  /** How long after the (last) loss the camera keeps sweeping. */
  forMs: number;
  /** Only tracks lost at most this long before the frame trigger it (a track lives on unseen for seconds). */
  lostWithinMs: number;
  /** Also sweep when someone vanishes in plain view (`vanishedInView`), not only when someone going down is lost. */
  onVanish: boolean;
  /**
   * Sweep only the part of the frame where the people lost may lie (`fallRegion`, all of
   * the window's losses together), at `regionInput` pixels on its longer side; 0 sweeps
   * the whole frame at the lying-body sweep's `inputWidth`.
   */
  regionInput: number;
}

export const defaultFallSweepOptions: FallSweepOptions = { firstAfterMs: 500, everyMs: 1000, forMs: 1000, lostWithinMs: 1000, onVanish: true, regionInput: 256 };

/** A camera's open fall sweep window: opened at `fromMs`, sweeping at `nextMs` (and every `everyMs`) until `untilMs`. */
export interface FallSweepWindow {
  fromMs: number;
  untilMs: number;
  nextMs: number;
  /** Where the people lost since `fromMs` may lie (frame pixels): the union of their `fallRegion`s. */
  region: Box;
}

/**
 * The window after a loss at `tMs` of a person whose `region` is where they may lie: a new
 * one, or the one still open extended (its next sweep no later than a new one's, its
 * region grown to hold the new one).
 */
export function openFallSweep(open: FallSweepWindow | null, tMs: number, region: Box, opts: Pick<FallSweepOptions, 'firstAfterMs' | 'forMs'>): FallSweepWindow {
  const first = tMs + opts.firstAfterMs;
  if (!open || tMs > open.untilMs || tMs < open.fromMs) return { fromMs: tMs, untilMs: tMs + opts.forMs, nextMs: first, region };
  return { fromMs: open.fromMs, untilMs: Math.max(open.untilMs, tMs + opts.forMs), nextMs: Math.min(open.nextMs, first), region: unionBox(open.region, region) };
}

/** How far a fallen body reaches from its feet, in units of its height: either side, above its head, below its feet. */
const REACH = { side: 1.1, above: 0.25, below: 1.5 };

/**
 * Where a person last seen at `box` may lie after a fall, inside the frame: a body pivots
 * about its feet (the box's bottom centre), so it reaches about its own height either
 * side, up to a little above its standing head (falling away from the camera) and,
 * falling towards the camera, below its feet (nearer, hence larger). Its height: the
 * larger of the box's sides and `uprightHeight`, its box height when last seen upright —
 * a person lost while already going down has a wide or a crumpled box.
 */
export function fallRegion(box: Box, frameWidth: number, frameHeight: number, uprightHeight: number | null = null): Box {
  const size = Math.max(box[2], box[3], uprightHeight ?? 0);
  const cx = box[0] + box[2] / 2;
  const feet = box[1] + box[3];
  return clampBox([cx - REACH.side * size, feet - (1 + REACH.above) * size, 2 * REACH.side * size, (1 + REACH.above + REACH.below) * size], frameWidth, frameHeight);
}

/** MultiPose input size for a region: `longest` pixels on its longer side, its aspect, sides multiples of 32. */
export function regionInputSize(region: Box, longest: number): [number, number] {
  const scale = longest / Math.max(1, region[2], region[3]);
  return [round32(region[2] * scale), round32(region[3] * scale)];
}

/** The nearest multiple of 32, at least 32 (MultiPose's input sides). */
function round32(v: number): number {
  return Math.max(32, Math.round(v / 32) * 32);
}

/**
 * Whether the loss of track `t`, not detected on the frame at `tMs`, opens a fall sweep
 * window: confirmed, last seen at most `lostWithinMs` before, and vanished in plain view
 * (`others`: the boxes of the people detected on the frame) or going down (`heads`, the
 * burst trigger).
 */
export function opensFallSweep(
  t: Pick<TrackState, 'confirmed' | 'detection' | 'lastSeenMs' | 'box'>,
  heads: PersonMemory['heads'],
  tMs: number,
  frameWidth: number,
  others: readonly Box[],
  opts: Pick<FallSweepOptions, 'lostWithinMs' | 'onVanish'>,
  trigger: Pick<BurstOptions, 'minHeadDrop' | 'minShrink' | 'windowMs'>,
): boolean {
  if (!t.confirmed || t.detection >= 0 || t.lastSeenMs >= tMs || tMs - t.lastSeenMs > opts.lostWithinMs) return false;
  return (opts.onVanish && vanishedInView(t.box, frameWidth, others)) || goingDown(heads, t.lastSeenMs, trigger);
}

/** A box within this share of the frame's width from its left or right border may have walked out of view. */
const SIDE_MARGIN = 0.02;
/** A box covered this much by a person reported on the frame may be behind them. */
const HIDDEN_SHARE = 0.3;

/**
 * Whether a person last seen at `box` and lost now vanished in plain view: not at the left
 * or right border of the frame (walked out), not behind someone reported on this frame.
 * The top and bottom borders do not count: a person close to the camera fills the height.
 */
export function vanishedInView(box: Box, frameWidth: number, others: readonly Box[]): boolean {
  const margin = frameWidth * SIDE_MARGIN;
  if (box[0] <= margin || box[0] + box[2] >= frameWidth - margin) return false;
  return !others.some((o) => coveredShare(box, o) >= HIDDEN_SHARE);
}

export interface SweepBody {
  box: Box;
  score: number;
  keypoints: Keypoint[];
}

/** Whether a camera last swept at `lastMs` (null: never) is due a sweep at `tMs`. */
export function sweepDue(lastMs: number | null, tMs: number, opts: Pick<LyingSweepOptions, 'everyMs'>): boolean {
  return lastMs === null || tMs - lastMs >= opts.everyMs || tMs < lastMs;
}

/** MultiPose input size for a frame: `inputWidth` wide, the frame's aspect, sides multiples of 32. */
export function sweepInputSize(frameWidth: number, frameHeight: number, inputWidth: number): [number, number] {
  return [round32(inputWidth), round32((inputWidth * frameHeight) / Math.max(1, frameWidth))];
}

/** The swept bodies to adopt: confident, lying, and not on anybody already reported. */
export function lyingBodies(
  bodies: readonly SweepBody[],
  reported: readonly Box[],
  opts: LyingSweepOptions,
  posture?: PostureThresholds,
): SweepBody[] {
  const taken = [...reported];
  const out: SweepBody[] = [];
  for (const b of [...bodies].sort((x, y) => y.score - x.score)) {
    if (b.score < opts.minScore || b.keypoints.length === 0) continue;
    const { mean, sure } = poseConfidence(b.keypoints, opts.keypointScore);
    if (mean < opts.minMeanScore || sure.length < opts.minKeypoints) continue;
    if (classifyPosture(b.keypoints, b.box, posture) !== 'lying') continue;
    if (taken.some((box) => iou(box, b.box) > opts.maxOverlap)) continue;
    taken.push(b.box);
    out.push(b);
  }
  return out;
}
