/**
 * Adult or child from the sizes of the people in view — by design, not learned from
 * pictures of children (none could be found under a licence that allows training):
 *
 * - Standing adults at the same place in the picture are about the same size in pixels;
 *   a child is smaller (in the daycare rooms a detected child's box is 0.63× an adult's
 *   height and 0.66× the width against the adults of the same frame; under-threes are
 *   smaller still).
 *   Heights shrink with distance: log height grows linearly with the foot's row (a slope
 *   that differs a little from camera to camera, so it is a latent too).
 * - A camera's scale (how tall an adult looks) is unknown, so it is a latent of each frame
 *   with a prior from the camera's mount (`adultHeight`): the frame's people are explained
 *   together, as a mixture of adults and children around that scale. One teacher among
 *   eight toddlers says who is who on the first frame, and a room of toddlers alone does
 *   not turn the biggest one into an adult, because the prior says how big an adult looks.
 * - Every frame sharpens the camera's scale (per-camera learning, with forgetting), and a
 *   track keeps a running average of its evidence, so a child who sits down stays a child.
 * - Lying people and boxes cut by the frame's edge give no evidence.
 *
 * The numbers in `defaultAgeOptions` were calibrated on the daycare frames
 * (models/eval/age-calibration.ts prints them; models/README.md "Adult or child").
 */
import type { AgeClass, Box, Posture } from '../../protocol/index.ts';

export interface AgeOptions {
  /** Height of a standing adult whose feet are at the middle row, as a share of the frame height (the camera's mount). */
  adultHeight: number;
  /** Camera-to-camera spread of that scale (sd of its natural log) before a camera has seen anyone. */
  scaleSd: number;
  /** d ln(height) / d(foot row ÷ frame height): people nearer the bottom are nearer the camera; and its camera-to-camera spread (0: fixed). */
  slope: number;
  slopeSd: number;
  /** Spread (ln sd) of one adult's height around the frame's scale. */
  adultSd: number;
  /** ln(child height ÷ adult height) at the same place, and its spread. */
  childOffset: number;
  childSd: number;
  /** ln(box width ÷ adult height at that place) for adults and children, and their spreads (display pixels). */
  adultWidth: number;
  adultWidthSd: number;
  childWidth: number;
  childWidthSd: number;
  /**
   * Whether box widths are evidence. Seen from above (rooms) a child's box is narrower as
   * well as shorter; seen side-on (open scenes: people walking) a box's width is set by
   * gait and arms, and narrow walking adults looked like children (vtest.avi: 32 of 70
   * decided person-frames called child with widths, on its first 60 analysed frames).
   */
  widthCue: boolean;
  /** Correlation of a child's height and width (children differ in size as a whole: age and distance). */
  childCorr: number;
  /** Prior share of adults among the people in a room. */
  adultShare: number;
  /** Probability at or beyond which a person is called adult (or, 1 − it, child); between: unknown. */
  decide: number;
  /** Weight of one frame's evidence in the camera's scale (frames are correlated) and how much older evidence fades per frame. */
  learnRate: number;
  forget: number;
}

/**
 * Calibrated on the daycare stills' detected people (models/eval/age-calibration.ts, all
 * 298 frames; the two room folds agree within 0.05 on every number): an adult standing
 * mid-picture is 0.27 of the frame's height there, a child 0.63× an adult's height and 0.66×
 * the width at the same place. `decide` 0.6 keeps the unknown share under a fifth.
 */
export const defaultAgeOptions: AgeOptions = {
  adultHeight: 0.27,
  scaleSd: 0.22,
  slope: 1.11,
  slopeSd: 0.3,
  adultSd: 0.2,
  childOffset: -0.47,
  childSd: 0.34,
  adultWidth: -0.42,
  adultWidthSd: 0.33,
  childWidth: -0.85,
  childWidthSd: 0.35,
  widthCue: true,
  childCorr: 0.55,
  adultShare: 0.3,
  decide: 0.6,
  learnRate: 0.1,
  forget: 0.002,
};

/** A person as the age model reads them: box in frame pixels, posture when known. */
export interface AgeInput {
  box: Box;
  posture: Posture;
}

const GRID_SDS = 4;

function logNormal(x: number, mean: number, sd: number): number {
  const z = (x - mean) / sd;
  return -0.5 * z * z - Math.log(sd);
}

/** ln of a bivariate normal density (up to a constant) with correlation `rho`. */
function logNormal2(x: number, y: number, mx: number, my: number, sx: number, sy: number, rho: number): number {
  const a = (x - mx) / sx;
  const b = (y - my) / sy;
  const q = 1 - rho * rho;
  return (-0.5 * (a * a - 2 * rho * a * b + b * b)) / q - Math.log(sx * sy * Math.sqrt(q));
}

function logSumExp(a: number, b: number): number {
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** A person's size: ln height and ln width (display pixels) over the frame height, and the foot's row from the middle; null when the box says nothing. */
interface Size {
  h: number;
  w: number;
  foot: number;
}

function measure(p: AgeInput, width: number, height: number, pixelAspect: number): Size | null {
  const [x, y, w, h] = p.box;
  if (p.posture === 'lying' || w <= 1 || h <= 1) return null;
  const m = 2;
  // A box cut by the frame's edge is shorter or narrower than the person.
  if (x <= m || y <= m || x + w >= width - m || y + h >= height - m) return null;
  return { h: Math.log(h / height), w: Math.log((w * pixelAspect) / height), foot: (y + h) / height - 0.5 };
}

/** Per camera: the belief about how tall an adult looks there, sharpened by every frame. */
export interface AgeModel {
  /**
   * P(adult) of each person of one analysed frame (null: no evidence from this frame),
   * and the frame's evidence folded into the camera's scale.
   */
  observe(persons: readonly AgeInput[], width: number, height: number, pixelAspect?: number): (number | null)[];
  /** The camera's current scale: median adult height at the middle row, share of the frame height. */
  readonly adultHeight: number;
}

const SCALE_STEPS = 61;
const SLOPE_STEPS = 9;

export function createAgeModel(options: Partial<AgeOptions> = {}): AgeModel {
  const o: AgeOptions = { ...defaultAgeOptions, ...options };
  const mu = Math.log(o.adultHeight);
  // The grid of (scale, slope) a camera may have; slope only when it is uncertain.
  const slopes = o.slopeSd > 0 ? Array.from({ length: SLOPE_STEPS }, (_, j) => o.slope + 2 * o.slopeSd * ((2 * j) / (SLOPE_STEPS - 1) - 1)) : [o.slope];
  const grid: { a: number; b: number }[] = [];
  for (const b of slopes) for (let i = 0; i < SCALE_STEPS; i++) grid.push({ a: mu + o.scaleSd * GRID_SDS * ((2 * i) / (SCALE_STEPS - 1) - 1), b });
  const prior = grid.map(({ a, b }) => logNormal(a, mu, o.scaleSd) + (o.slopeSd > 0 ? logNormal(b, o.slope, o.slopeSd) : 0));
  // Log-belief over the grid: prior plus (faded) evidence of the frames seen so far.
  const belief = [...prior];
  const lnA = Math.log(o.adultShare);
  const lnC = Math.log(1 - o.adultShare);
  const adultLike = o.widthCue
    ? (s: Size, { a, b }: { a: number; b: number }) => lnA + logNormal(s.h - b * s.foot, a, o.adultSd) + logNormal(s.w - b * s.foot, a + o.adultWidth, o.adultWidthSd)
    : (s: Size, { a, b }: { a: number; b: number }) => lnA + logNormal(s.h - b * s.foot, a, o.adultSd);
  const childLike = o.widthCue
    ? (s: Size, { a, b }: { a: number; b: number }) => lnC + logNormal2(s.h - b * s.foot, s.w - b * s.foot, a + o.childOffset, a + o.childWidth, o.childSd, o.childWidthSd, o.childCorr)
    : (s: Size, { a, b }: { a: number; b: number }) => lnC + logNormal(s.h - b * s.foot, a + o.childOffset, o.childSd);

  return {
    observe(persons, width, height, pixelAspect = 1) {
      const sizes = persons.map((p) => measure(p, width, height, pixelAspect));
      const seen = sizes.filter((s): s is Size => s !== null);
      if (seen.length === 0) return sizes.map(() => null);
      const frame = grid.map((g) => seen.reduce((sum, s) => sum + logSumExp(adultLike(s, g), childLike(s, g)), 0));
      const post = belief.map((b, k) => b + (frame[k] as number));
      const top = Math.max(...post);
      const weights = post.map((v) => Math.exp(v - top));
      const total = weights.reduce((a, b) => a + b, 0);
      const out = sizes.map((s) => {
        if (!s) return null;
        let p = 0;
        grid.forEach((g, k) => {
          const w = (weights[k] as number) / total;
          if (w > 1e-9) p += w / (1 + Math.exp(childLike(s, g) - adultLike(s, g)));
        });
        return p;
      });
      for (let k = 0; k < grid.length; k++) {
        const b = belief[k] as number;
        const p0 = prior[k] as number;
        belief[k] = p0 + (1 - o.forget) * (b - p0) + o.learnRate * (frame[k] as number);
      }
      return out;
    },
    get adultHeight() {
      let best = 0;
      belief.forEach((b, k) => {
        if (b > (belief[best] as number)) best = k;
      });
      return Math.exp((grid[best] as { a: number }).a);
    },
  };
}

/** A track's running evidence: the mean log-odds of its frames (not their sum: frames of one person are not independent). */
export interface AgeEvidence {
  logit: number;
  frames: number;
}

export function newAgeEvidence(): AgeEvidence {
  return { logit: 0, frames: 0 };
}

const MAX_FRAMES = 25;
const clampP = (p: number) => Math.min(1 - 1e-4, Math.max(1e-4, p));

/** Folds one frame's P(adult) into a track's evidence (a moving mean over about the last 25 frames). */
export function addAgeEvidence(e: AgeEvidence, pAdult: number): void {
  const p = clampP(pAdult);
  const l = Math.log(p / (1 - p));
  e.frames = Math.min(MAX_FRAMES, e.frames + 1);
  e.logit += (l - e.logit) / e.frames;
}

/** adult, child or unknown from a track's evidence at the `decide` probability. */
export function decideAge(e: AgeEvidence, decide = defaultAgeOptions.decide): AgeClass {
  if (e.frames === 0) return 'unknown';
  const cut = Math.log(decide / (1 - decide));
  if (e.logit >= cut) return 'adult';
  if (e.logit <= -cut) return 'child';
  return 'unknown';
}
