/**
 * What kind of view a camera has decides how people look in it, so it picks the
 * detection, tracking and age settings (one enum per camera instead of a dozen numbers):
 *
 * - `room` (the default): a childcare room seen from the ceiling or high on a wall. People
 *   are small and seen from above, children smaller still; the person detector scores them
 *   low (a seated toddler 0.15–0.3), so it runs at 640 px wide and candidates start at
 *   0.15, tracks at 0.2. An adult standing mid-picture is about 0.27 of the frame's height.
 * - `open`: a wide space seen from afar (a yard, a street, a hall), people side-on and
 *   upright. There the room settings find posts, bins and bags as people (vtest.avi:
 *   precision 0.91 → 0.42), so it keeps the 384 px, 0.3 settings chosen on that footage.
 *   Its age settings differ for reasons, not fits: people are seen side-on, so adult or
 *   child is told from heights alone (a walker's box width is gait and arms, not size;
 *   age.ts `widthCue`); a camera looking across the ground sees sizes shrink faster up the
 *   picture than one looking down into a room (slope 1.8 ± 0.5 instead of 1.11 ± 0.3);
 *   nothing says who outnumbers whom (adult share 0.5, not a room's 0.3); and no open
 *   footage with children calibrated it, so it decides only on strong evidence (0.75).
 *   On vtest.avi's first 60 analysed frames: 0 child labels (32 with the room's age
 *   settings), 80 adult, 203 unknown person-frames.
 *
 * Measured in models/README.md ("Indoor detection", "Evaluation"); `npm run eval:childcare`,
 * `eval:cctv` (room) and `eval:vision` (open).
 */
import type { AgeOptions } from './age.ts';
import type { DetectionSettings } from './detection.ts';
import type { TrackerOptions } from './tracker.ts';

export const SCENES = ['room', 'open'] as const;
export type Scene = (typeof SCENES)[number];
export const DEFAULT_SCENE: Scene = 'room';

export interface SceneSettings {
  detection: DetectionSettings;
  tracker: Partial<TrackerOptions>;
  age: Partial<AgeOptions>;
}

export const sceneSettings: Readonly<Record<Scene, SceneSettings>> = {
  room: { detection: { inputWidth: 640, minScore: 0.15 }, tracker: { highScore: 0.2, lowScore: 0.15 }, age: {} },
  open: { detection: { inputWidth: 384, minScore: 0.2 }, tracker: { highScore: 0.3, lowScore: 0.25 }, age: { adultHeight: 0.17, slope: 1.8, slopeSd: 0.5, widthCue: false, adultShare: 0.5, decide: 0.75 } },
};
