/**
 * Random synthetic scenarios for training: falls, and the moves a fall detector must not
 * confuse with one (sitting down on a chair or the floor, lying down slowly or quickly,
 * bending over, kneeling, crawling, rolling), with adult or toddler bodies in random views.
 *
 * Two sets: `base` (`BASE_SCENARIOS`, constant-speed moves), which trains the shipped
 * weights, and `v2` (`SCENARIOS`, smooth deliberate moves), tried in the seventh round
 * and not adopted (MODEL_CARD.md): it adds quick deliberate lie-downs (through kneeling
 * or sitting, 0.5–1.2 s per stage: a fall detector's hardest negatives, "Fourth round")
 * and two-stage falls (onto the knees or the seat first, then flat), so that a model
 * must tell them apart by how the body moves, not by which postures it passes through.
 */
import type { Rng } from './augment.ts';
import { uniform } from './augment.ts';
import { ADULT, TODDLER, renderClip, type BodySpec, type Keyframe, type PoseName, type SyntheticFrame } from './synthetic.ts';

export const BASE_SCENARIOS = ['fall', 'sitChair', 'sitFloor', 'lieDownSlowly', 'bend', 'kneel', 'crawl', 'roll', 'walk'] as const;
export const SCENARIOS = [...BASE_SCENARIOS, 'lieDownKneel', 'lieDownSit', 'fallKnees', 'fallSit'] as const;
export type Scenario = (typeof SCENARIOS)[number];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)] as T;
}

/** Keyframes of one scenario; `child` makes descents to sitting faster (toddlers plop down). */
export function scenarioKeys(kind: Scenario, rng: Rng, child: boolean): Keyframe[] {
  const keys: Keyframe[] = [];
  let t = 0;
  let x = uniform(rng, 150, 450);
  const dx = uniform(rng, -40, 40);
  const add = (dt: number, pose: PoseName, label: Keyframe['label'], fall = false) => {
    t += dt;
    x += dx * dt;
    keys.push({ t, pose, x, label, fall });
  };
  const walk = (seconds: number) => {
    for (let s = 0; s < seconds; s += 0.5) add(0.5, s % 1 < 0.5 ? 'walkA' : 'walkB', 'upright');
  };
  /** Up to a fall: walking (60 %) or standing, 1–2.5 s. */
  const beforeFall = () => {
    if (rng() < 0.6) walk(uniform(rng, 1, 2.5));
    else add(uniform(rng, 1, 2.5), 'standing', 'upright');
  };
  /** Stays in the last keyframe's pose for `seconds`. */
  const hold = (seconds: number) => add(seconds, keys[keys.length - 1]?.pose ?? 'lying', 'lying');
  keys.push({ t: 0, pose: 'standing', x, label: 'upright' });
  switch (kind) {
    case 'fall':
      beforeFall();
      add(uniform(rng, 0.4, 1.0), pick(rng, ['lying', 'lyingCurled', 'lyingBack'] as const), 'lying', true);
      hold(uniform(rng, 2, 4));
      break;
    case 'sitChair':
      add(uniform(rng, 0.5, 2), 'standing', 'upright');
      add(uniform(rng, 0.6, 1.8), 'sittingChair', 'sitting');
      add(uniform(rng, 1.5, 3), 'sittingChair', 'sitting');
      if (rng() < 0.5) add(uniform(rng, 0.8, 1.5), 'standing', 'upright');
      break;
    case 'sitFloor':
      add(uniform(rng, 0.5, 2), 'standing', 'upright');
      add(child ? uniform(rng, 0.3, 0.7) : uniform(rng, 1, 2.2), 'sittingFloor', 'sitting');
      add(uniform(rng, 1.5, 3), 'sittingFloor', 'sitting');
      break;
    case 'lieDownSlowly':
      add(uniform(rng, 0.5, 2), 'standing', 'upright');
      add(uniform(rng, 1, 2), 'sittingFloor', 'sitting');
      add(uniform(rng, 1.5, 3), 'lyingBack', 'lying');
      hold(uniform(rng, 1, 3));
      break;
    case 'lieDownKneel':
      add(uniform(rng, 0.5, 2), 'standing', 'upright');
      add(uniform(rng, 0.5, 1.0), 'kneeling', 'sitting');
      add(uniform(rng, 0.6, 1.2), pick(rng, ['lying', 'lyingCurled'] as const), 'lying');
      hold(uniform(rng, 1, 3));
      break;
    case 'lieDownSit':
      add(uniform(rng, 0.5, 2), 'standing', 'upright');
      add(uniform(rng, 0.6, 1.0), 'sittingFloor', 'sitting');
      add(uniform(rng, 0.6, 1.2), 'lyingBack', 'lying');
      hold(uniform(rng, 1, 3));
      break;
    case 'fallKnees':
      beforeFall();
      add(uniform(rng, 0.25, 0.5), 'kneeling', 'falling', true);
      add(uniform(rng, 0.3, 0.6), pick(rng, ['lying', 'lyingCurled'] as const), 'lying', true);
      hold(uniform(rng, 2, 4));
      break;
    case 'fallSit':
      add(uniform(rng, 1, 2.5), 'standing', 'upright');
      add(uniform(rng, 0.25, 0.45), 'sittingFloor', 'falling', true);
      add(uniform(rng, 0.3, 0.6), 'lyingBack', 'lying', true);
      hold(uniform(rng, 2, 4));
      break;
    case 'bend':
      add(uniform(rng, 0.5, 2), 'standing', 'upright');
      add(uniform(rng, 0.6, 1.2), 'bending', 'upright');
      add(uniform(rng, 0.5, 3), 'bending', 'upright');
      add(uniform(rng, 0.6, 1.2), 'standing', 'upright');
      break;
    case 'kneel':
      add(uniform(rng, 0.5, 2), 'standing', 'upright');
      add(uniform(rng, 0.6, 1.5), 'kneeling', 'sitting');
      add(uniform(rng, 1, 3), 'kneeling', 'sitting');
      break;
    case 'crawl':
      keys[0] = { t: 0, pose: 'kneeling', x, label: 'sitting' };
      for (let i = 0; i < 10; i += 1) add(uniform(rng, 0.35, 0.6), i % 2 ? 'crawlA' : 'crawlB', 'sitting');
      break;
    case 'roll':
      keys[0] = { t: 0, pose: 'lying', x, label: 'lying' };
      add(uniform(rng, 2, 4), 'lyingCurled', 'lying');
      add(uniform(rng, 2, 4), 'lying', 'lying');
      break;
    case 'walk':
      walk(uniform(rng, 3, 6));
      break;
  }
  return keys;
}

export interface SyntheticSequence {
  scenario: Scenario;
  child: boolean;
  frames: SyntheticFrame[];
}

/** `base`: `BASE_SCENARIOS` at constant speed (the shipped weights); `v2`: `SCENARIOS`, smooth deliberate moves. */
export const SYNTHETIC_SETS = ['base', 'v2'] as const;
export type SyntheticSet = (typeof SYNTHETIC_SETS)[number];

export function randomSequence(rng: Rng, fps: number, childP: number, set: SyntheticSet = 'base'): SyntheticSequence {
  const scenario = pick<Scenario>(rng, set === 'base' ? BASE_SCENARIOS : SCENARIOS);
  const child = rng() < childP;
  const height = child ? uniform(rng, 60, 200) : uniform(rng, 100, 380);
  const body: BodySpec = {
    proportions: child ? TODDLER : ADULT,
    height,
    groundY: uniform(rng, height + 20, 480),
    facing: rng() < 0.5 ? 1 : -1,
    yawDeg: uniform(rng, 0, 90),
  };
  const keys = scenarioKeys(scenario, rng, child);
  const frames = renderClip(keys, body, { fps, rollPeriodSeconds: scenario === 'roll' ? uniform(rng, 1.5, 4) : 0, smooth: set === 'v2' });
  return { scenario, child, frames };
}
