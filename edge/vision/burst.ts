/**
 * Burst analysis: a camera captured at a high rate is analysed at a calm rate (`calmFps`)
 * while everyone in view is steady, and at the full capture rate while someone is going
 * down. A fall lasts well under a second: at 5 frames a second the detector sees it on
 * two or three frames and often loses the body on the floor before the pose model has
 * seen it lying (MODEL_CARD.md, "At the live edge's 5 fps"); at 10 it sees twice as many
 * and the pose re-find follows the body down. Bursts cost extra inference only while
 * someone's head is coming down fast, which is rare.
 *
 * Which frames are analysed depends on media time and on the analyses of earlier frames
 * only, never on how busy the machine is: calm frames are the first of each `1/calmFps`
 * bucket of media time; the others are analysed while a burst lasts.
 */
import { z } from 'zod';
import type { PersonMemory } from './person-state.ts';
import { headDrop } from './pose-refind.ts';

export interface BurstOptions {
  /** Frames analysed per second while no burst lasts (the capture may deliver more). */
  calmFps: number;
  /** Head descent, as a fraction of the box height, within `windowMs` that starts a burst. */
  minHeadDrop: number;
  /**
   * And the head-to-box-bottom distance shrinking by this fraction of its largest value in
   * the window (0 = not required): the head comes down towards the feet. A person walking
   * down the image moves the head down as fast as a fall does, without shortening: on
   * vtest.avi's street scene the head drop alone kept a burst going 80 % of the time
   * (0.80 extra frames per calm frame), with a shrink of 0.2 30 %, 0.3 7 %.
   */
  minShrink: number;
  windowMs: number;
  /** A burst lasts this long after the last analysed frame that showed such a descent. */
  holdMs: number;
}

const setting = z.number().nonnegative();
/** Partial burst settings as an evaluation command line may give them: known keys only, numbers ≥ 0 (calmFps > 0). */
const BurstOverrides = z.strictObject({ calmFps: z.number().positive(), minHeadDrop: setting, minShrink: setting, windowMs: setting, holdMs: setting } satisfies Record<keyof BurstOptions, z.ZodNumber>).partial();

/** Burst settings from JSON-ish input (evaluation command lines), or what is wrong with them. */
export function parseBurstOptions(input: unknown): Partial<BurstOptions> | string {
  const parsed = BurstOverrides.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  if (issue.path.length === 0 && issue.code === 'invalid_type') return 'burst settings must be a JSON object';
  if (issue.code === 'unrecognized_keys') return `unknown burst setting ${issue.keys.join(', ')} (known: ${Object.keys(defaultBurstOptions).join(', ')})`;
  const key = String(issue.path[0]);
  const value = (input as Record<string, unknown>)[key];
  return `burst setting ${key} must be a number ≥ 0${key === 'calmFps' ? ' (calmFps > 0)' : ''}, not ${JSON.stringify(value)}`;
}

export const defaultBurstOptions: BurstOptions = { calmFps: 5, minHeadDrop: 0.1, minShrink: 0.3, windowMs: 600, holdMs: 1500 };

/**
 * Whether the frame at media time `tMs` is a calm frame, the previous frame submitted
 * being at `prevMs` (null: none): the first frame of each `1/calmFps` bucket, and the
 * first frame after the clock went back (a looped clip).
 */
export function calmFrame(prevMs: number | null, tMs: number, calmFps: number): boolean {
  if (prevMs === null || tMs <= prevMs) return true;
  const period = 1000 / calmFps;
  // The small epsilon keeps 0.6 s × 5 from landing in bucket 2.999….
  return Math.floor(tMs / period + 1e-6) !== Math.floor(prevMs / period + 1e-6);
}

/** Whether one person's recent head heights show a descent that starts (or extends) a burst. */
export function goingDown(heads: PersonMemory['heads'], tMs: number, opts: Pick<BurstOptions, 'minHeadDrop' | 'minShrink' | 'windowMs'>): boolean {
  if (headDrop(heads, tMs, opts.windowMs) < opts.minHeadDrop) return false;
  if (opts.minShrink <= 0) return true;
  const spans = heads.filter((s) => s.tMs <= tMs && tMs - s.tMs <= opts.windowMs).map((s) => s.bottom - s.y);
  const tallest = Math.max(...spans);
  return tallest > 0 && (tallest - (spans[spans.length - 1] as number)) / tallest >= opts.minShrink;
}
