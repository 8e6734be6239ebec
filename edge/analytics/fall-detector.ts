/**
 * Per-track fall logic. Who decides what:
 * - Geometry finds the candidate: within `descentWindowSeconds` before the person is
 *   down (torso ≥ `lyingTorsoDeg`, or a wide box when the torso is not visible) there was
 *   a torso-upright sample (standing or sitting: falls from chairs count) from which the
 *   head dropped ≥ `minHeadDrop` and the hips ≥ `minHipDrop` of the body height, and the
 *   head came down at ≥ `minHeadSpeed` body heights per second at some point. Lying down
 *   on purpose is slow; sitting down, kneeling and bending keep the torso up or the hips
 *   high, so they never become candidates; sitting on the floor and then lying back is
 *   dropped because the hips stop dropping after the last seated sample
 *   (`minHipDropAfterUpright`).
 * - Other geometric paths (fall-evidence.ts, fall-handover.ts): a young track's first
 *   not-down samples stand in for the upright reference (`firstSightSeconds`, clips or
 *   views that start mid-fall); box-only evidence, tall → wide with a deep drop of the box
 *   top (`boxWindowSeconds`, adults and unknown age); a new track appearing where another
 *   was just lost takes over its state (`handoverSeconds`); optionally an adult lost right
 *   after a fast descent, unless last seen at the frame's edge or behind someone
 *   (`vanishSeconds`, off by default).
 * - The activity model (default `model: 'off'`), when the frame carries its output: with `model: 'veto'` or
 *   `'assist'` a geometric candidate whose `falling` probability never reached
 *   `minModelProb` is dropped, unless its head came down at ≥ `modelSureHeadSpeed` (when set).
 *   With `'assist'` the model may also start a candidate on its
 *   own for a person who is down with `falling` ≥ `modelTriggerProb` (adults and unknown
 *   age only): it catches falls whose start the tracker never saw upright.
 * - Geometry confirms: no recovery (torso upright again) within `confirmSeconds`, and the
 *   whole descent was quick — head drop from its highest point in the 3 s before the
 *   candidate to its lowest since, over its peak speed, ≤ `maxDescentSeconds` (1 s): lying
 *   down on purpose is slow from top to bottom even when one stretch of it is fast enough
 *   for the candidate gates. Judged once per candidate, whichever path found it.
 * - Age class picks the parameters (`child` is stricter; `unknown` uses `adult`, the more
 *   sensitive set, since a missed fall costs more than a false one).
 * - Zones whose type is in `ignoreZoneTypes` (`nap` by default) never yield a candidate.
 */
import type { AgeClass } from '../../protocol/index.ts';
import type { TrackedPerson } from '../types.ts';
import type { FallConfig } from './config.ts';
import { coveredShare } from '../vision/geometry.ts';
import { bodyState } from './pose-geometry.ts';
import { boxDrop, DESCENT_LOOKBACK_MS, descentSeconds, isWide, peakSpeed, vanishDrop, type Sample } from './fall-evidence.ts';

/** Which evidence started a fall candidate (see the header). */
export type FallPath = 'pose' | 'box' | 'model' | 'vanish';

interface Candidate {
  since: number;
  drop: number;
  path: FallPath;
  /** Fastest head descent in body heights per second (pose path), else null. */
  headSpeed: number | null;
}

export interface FallenInfo {
  track: number;
  since: number;
  /** Head drop in body heights (capped at 1), averaged with the model's probability when present. */
  confidence: number;
  person: TrackedPerson;
  /** What started it, for the incident's evidence and for tracing the rule. */
  path: FallPath;
  drop: number;
  headSpeed: number | null;
  /** How long the whole descent took (`descentSeconds` in fall-evidence.ts), or null. */
  descentSeconds: number | null;
}

/** The torso is about 0.3 of a standing adult's height (0.32 for a toddler). */
const TORSO_SHARE = 0.3;

export class TrackFallState {
  #history: Sample[] = [];
  #candidate: Candidate | null = null;
  #fallen: FallenInfo | null = null;
  #uprightSince: number | null = null;
  #streakStart: number | null = null;
  #lastPerson: TrackedPerson | null = null;
  #probs: { t: number; p: number }[] = [];
  #firstSeen: number | null = null;
  /** The vanish check ran for the current absence (it runs once per absence). */
  #vanishChecked = false;
  /** The latest sighting could explain a disappearance: at the frame's edge, or behind someone. */
  #leftOrHidden = false;

  lastSeen = 0;
  /** Box of the latest observation, for handing the state over to a re-found track. */
  lastBox: TrackedPerson['box'] | null = null;

  constructor(
    readonly track: number,
    readonly cfg: FallConfig,
  ) {}

  get fallen(): FallenInfo | null {
    return this.#fallen;
  }

  /**
   * Feeds one observation; returns true when this sample confirmed a new fall. `scene`
   * (frame size, the other people's boxes) lets the vanish path tell a body that went
   * out of view or behind someone from one the detector lost on the floor.
   */
  observe(t: number, p: TrackedPerson, ignored: boolean, scene?: SceneContext): boolean {
    this.lastSeen = t;
    this.#vanishChecked = false;
    this.#leftOrHidden = scene ? leftOrHidden(p.box, scene) : false;
    this.lastBox = p.box;
    this.#firstSeen ??= t;
    const cfg = this.cfg;
    const st = bodyState(p.keypoints, p.box, cfg);
    const params = paramsFor(cfg, p.age);
    const keepMs = (params.descentWindowSeconds + cfg.confirmSeconds) * 1000;
    const prob = fallingProb(p);
    if (prob !== null) this.#probs.push({ t, p: prob });
    this.#probs = this.#probs.filter((s) => t - s.t <= keepMs);
    if (st.torsoUpright) this.#streakStart ??= t;
    else this.#streakStart = null;
    // A track first seen mid-fall has no upright sample: its first not-yet-down samples
    // stand in for one (the descent gates below still apply).
    const firstSight = cfg.firstSightSeconds > 0 && t - this.#firstSeen <= cfg.firstSightSeconds * 1000 && !st.down;
    const ref = (st.torsoUpright && t - (this.#streakStart ?? t) >= cfg.minUprightSeconds * 1000) || firstSight;
    this.#history.push({ t, headY: st.headY, hipY: st.hipY, scale: Math.max(1, p.box[3], (st.torsoLength ?? 0) / TORSO_SHARE), ref, box: p.box });
    const historyMs = Math.max(keepMs, DESCENT_LOOKBACK_MS + cfg.confirmSeconds * 1000);
    this.#history = this.#history.filter((s) => t - s.t <= historyMs);
    this.#lastPerson = p;

    if (st.torsoUpright) {
      // Sitting or standing back up within the confirmation window is a recovery; a
      // confirmed fall ends only when the person stands again.
      this.#candidate = null;
      if (this.#fallen && st.upright) {
        this.#uprightSince ??= t;
        if (t - this.#uprightSince >= cfg.recoverSeconds * 1000) this.#fallen = null;
      } else this.#uprightSince = null;
      return false;
    }
    this.#uprightSince = null;
    if (this.#fallen) {
      this.#fallen = { ...this.#fallen, person: p };
      return false;
    }
    if (ignored) {
      this.#candidate = null;
      return false;
    }
    if (!this.#candidate && (st.down || isWide(p.box, cfg))) {
      const pose = st.down ? this.#geometricDrop(t, st.headY, st.hipY, params) : null;
      const box = pose || p.age === 'child' || !isWide(p.box, cfg) ? null : boxDrop(this.#history, t, p.box, cfg);
      const modelTrigger = cfg.model === 'assist' && p.age !== 'child' && prob !== null && prob >= cfg.modelTriggerProb;
      if (pose) this.#candidate = { since: t, drop: pose.drop, path: 'pose', headSpeed: pose.speed };
      else if (box !== null) this.#candidate = { since: t, drop: box, path: 'box', headSpeed: null };
      else if (modelTrigger) this.#candidate = { since: t, drop: 0.5, path: 'model', headSpeed: null };
    }
    return this.poll(t);
  }

  /** Head drop and peak head speed (body heights, per second) of a fast descent from a recent upright sample, or null. */
  #geometricDrop(t: number, headY: number, hipY: number | null, params: FallConfig['adult']): { drop: number; speed: number } | null {
    const windowMs = params.descentWindowSeconds * 1000;
    let best: Sample | null = null;
    for (const s of this.#history) {
      if (s.ref && t - s.t <= windowMs && (!best || s.headY < best.headY)) best = s;
    }
    if (!best) return null;
    const drop = (headY - best.headY) / best.scale;
    if (drop < params.minHeadDrop) return null;
    if (hipY !== null && best.hipY !== null && (hipY - best.hipY) / best.scale < params.minHipDrop) return null;
    // Lying down on purpose passes through sitting on the floor: from the latest upright
    // (or seated) sample on, the hips hardly drop any more. A fall keeps them dropping.
    const last = this.#history.findLast((s) => s.ref && t - s.t <= windowMs);
    if (this.cfg.minHipDropAfterUpright > 0 && last && hipY !== null && last.hipY !== null && (hipY - last.hipY) / last.scale < this.cfg.minHipDropAfterUpright) return null;
    const since = this.#history.filter((s) => s.t >= (best as Sample).t);
    const speed = peakSpeed(since) / best.scale;
    return speed >= params.minHeadSpeed ? { drop, speed } : null;
  }

  /**
   * Confirms a pending candidate once `confirmSeconds` passed without recovery. Also runs
   * from the clock alone, because detectors often lose a person lying on the floor: a
   * body that went down and then vanished has not got up.
   */
  poll(t: number): boolean {
    const cfg = this.cfg;
    this.#checkVanished(t);
    const c = this.#candidate;
    const p = this.#lastPerson;
    if (!c || !p || t - c.since < cfg.confirmSeconds * 1000) return false;
    this.#candidate = null;
    if (t - this.lastSeen > cfg.lostSeconds * 1000) return false;
    const windowMs = (paramsFor(cfg, p.age).descentWindowSeconds + cfg.confirmSeconds) * 1000;
    const recent = this.#probs.filter((s) => t - s.t <= windowMs);
    const maxProb = recent.length ? Math.max(...recent.map((s) => s.p)) : null;
    const sure = cfg.modelSureHeadSpeed > 0 && c.headSpeed !== null && c.headSpeed >= cfg.modelSureHeadSpeed;
    if (cfg.model !== 'off' && maxProb !== null && maxProb < cfg.minModelProb && !sure) return false;
    const descent = descentSeconds(this.#history, c.since, t);
    if (cfg.maxDescentSeconds > 0 && descent !== null && descent > cfg.maxDescentSeconds) return false;
    const geometric = Math.min(1, c.drop);
    const confidence = maxProb === null || cfg.model === 'off' ? geometric : (geometric + maxProb) / 2;
    this.#fallen = { track: this.track, since: t, confidence, person: p, path: c.path, drop: c.drop, headSpeed: c.headSpeed, descentSeconds: descent };
    return true;
  }

  /**
   * A body lost for `vanishSeconds` right after a fast descent becomes a candidate from
   * its last sighting (people classified adult): it is confirmed like any other unless the
   * person is seen upright again within the confirmation window.
   */
  #checkVanished(t: number): void {
    const p = this.#lastPerson;
    // Adults only: a toddler whose age is still `unknown` (small, sitting) who plops down and
    // is then lost by the detector looks just like this, and toddlers plop down all day.
    if (this.#vanishChecked || this.#candidate || this.#fallen || !p || p.age !== 'adult' || this.#leftOrHidden) return;
    if (t - this.lastSeen < this.cfg.vanishSeconds * 1000) return;
    this.#vanishChecked = true;
    const drop = vanishDrop(this.#history, paramsFor(this.cfg, p.age).descentWindowSeconds, this.cfg);
    if (drop !== null) this.#candidate = { since: this.lastSeen, drop, path: 'vanish', headSpeed: null };
  }

  /**
   * Takes over the state of `lost`, a track the tracker dropped near where this one
   * appeared (see fall-handover.ts): the body's history, its pending candidate and the
   * age of its first sighting move here, so a fall split over two track ids is one fall.
   */
  adopt(lost: TrackFallState): void {
    this.#history = [...lost.#history];
    this.#candidate = lost.#candidate;
    this.#probs = [...lost.#probs];
    this.#streakStart = lost.#streakStart;
    this.#firstSeen = lost.#firstSeen;
    this.#lastPerson = lost.#lastPerson;
    lost.#candidate = null;
    lost.#history = [];
  }

  /** Forget a fallen person who has not been seen for `lostSeconds`. */
  expire(now: number): void {
    if (this.#fallen && now - this.lastSeen >= this.cfg.lostSeconds * 1000) this.#fallen = null;
  }
}

export interface SceneContext {
  frameWidth: number;
  frameHeight: number;
  /** Boxes of the other people seen on the same frame. */
  others: readonly TrackedPerson['box'][];
}

/** Within 2 % of the frame's border, or ≥ 30 % of the box covered by another person's box. */
function leftOrHidden(box: TrackedPerson['box'], scene: SceneContext): boolean {
  const [x, y, w, h] = box;
  const mx = scene.frameWidth * 0.02;
  const my = scene.frameHeight * 0.02;
  if (x <= mx || y <= my || x + w >= scene.frameWidth - mx || y + h >= scene.frameHeight - my) return true;
  return scene.others.some((o) => coveredShare(box, o) >= 0.3);
}

function paramsFor(cfg: FallConfig, age: AgeClass): FallConfig['adult'] {
  return age === 'child' ? cfg.child : cfg.adult;
}

function fallingProb(p: TrackedPerson): number | null {
  const a = p.activity;
  if (!a) return null;
  if (a.probs) return a.probs.falling;
  return a.activity === 'falling' ? a.confidence : 0;
}
