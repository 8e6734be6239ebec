/**
 * Per-track fall logic. Who decides what:
 * - Geometry finds the candidate: the track was upright, then is down (torso ≥
 *   `lyingTorsoDeg` or a wide box) within `descentWindowSeconds`, with the head dropping by
 *   ≥ `minHeadDrop` of the standing height. Slow transitions (lying down on purpose, which
 *   passes through sitting) and drops without a horizontal body (sitting down, kneeling)
 *   never become candidates.
 * - Geometry confirms: no recovery to upright within `confirmSeconds`.
 * - The activity model, when present and `model: 'veto'`, may veto a candidate whose
 *   `falling` probability never reached `minModelProb` during the descent and
 *   confirmation; it never raises a fall on its own, because it has seen few scenes.
 * - Age class picks the parameter set (`adult` or the stricter `child`; `unknown` uses
 *   `adult`, the more sensitive one, since a missed fall costs more than a false one).
 * - Zones whose type is in the ignore list (`nap` by default) never yield a candidate.
 */
import type { AgeClass } from '../../protocol/index.ts';
import type { TrackedPerson } from '../types.ts';
import type { FallConfig } from './config.ts';
import { bodyState } from './pose-geometry.ts';

interface Upright {
  t: number;
  headY: number;
  hipY: number | null;
  height: number;
}

interface Candidate {
  since: number;
  drop: number;
  maxFallingProb: number | null;
}

export interface FallenInfo {
  track: number;
  since: number;
  /** Head drop in standing heights, capped to 1, used as the rule's confidence. */
  confidence: number;
  person: TrackedPerson;
}

export class TrackFallState {
  #lastUpright: Upright | null = null;
  #candidate: Candidate | null = null;
  #fallen: FallenInfo | null = null;
  #uprightSince: number | null = null;
  #streakStart: number | null = null;
  #lastPerson: TrackedPerson | null = null;
  /** Largest `falling` probability seen since the last upright sample. */
  #fallingProbSinceUpright: number | null = null;
  lastSeen = 0;

  constructor(
    readonly track: number,
    readonly cfg: FallConfig,
  ) {}

  get fallen(): FallenInfo | null {
    return this.#fallen;
  }

  /** Feeds one observation; returns true when this sample confirmed a new fall. */
  observe(t: number, p: TrackedPerson, ignored: boolean): boolean {
    this.lastSeen = t;
    const cfg = this.cfg;
    const st = bodyState(p.keypoints, p.box, cfg);
    const prob = fallingProb(p);
    if (st.upright) {
      // One stray upright-looking sample (a leg swinging past vertical while lying down)
      // must not count as standing: the streak must last `minUprightSeconds`.
      this.#streakStart ??= t;
      if (t - this.#streakStart >= cfg.minUprightSeconds * 1000) {
        this.#lastUpright = { t, headY: st.headY, hipY: st.hipY, height: Math.max(1, p.box[3]) };
      }
      this.#candidate = null;
      this.#fallingProbSinceUpright = prob;
      if (this.#fallen) {
        this.#uprightSince ??= t;
        if (t - this.#uprightSince >= cfg.recoverSeconds * 1000) this.#fallen = null;
      }
      return false;
    }
    this.#uprightSince = null;
    this.#streakStart = null;
    if (prob !== null) this.#fallingProbSinceUpright = Math.max(this.#fallingProbSinceUpright ?? 0, prob);
    if (this.#fallen) {
      this.#fallen = { ...this.#fallen, person: p };
      return false;
    }
    if (ignored) {
      this.#candidate = null;
      return false;
    }
    if (!this.#candidate) {
      const up = this.#lastUpright;
      if (!st.down || !up) return false;
      const params = paramsFor(cfg, p.age);
      const drop = (st.headY - up.headY) / up.height;
      if (t - up.t > params.descentWindowSeconds * 1000 || drop < params.minHeadDrop) return false;
      if (st.hipY !== null && up.hipY !== null && (st.hipY - up.hipY) / up.height < params.minHipDrop) return false;
      this.#candidate = { since: t, drop, maxFallingProb: this.#fallingProbSinceUpright };
    } else {
      this.#candidate.maxFallingProb = this.#fallingProbSinceUpright;
    }
    this.#lastPerson = p;
    return this.poll(t);
  }

  /**
   * Confirms a pending candidate once `confirmSeconds` passed without recovery. Also runs
   * from the clock alone, because detectors often lose a person lying on the floor: a
   * body that went down and then vanished has not got up.
   */
  poll(t: number): boolean {
    const c = this.#candidate;
    const p = this.#lastPerson;
    const cfg = this.cfg;
    if (!c || !p || t - c.since < cfg.confirmSeconds * 1000) return false;
    this.#candidate = null;
    if (t - this.lastSeen > cfg.lostSeconds * 1000) return false;
    if (cfg.model === 'veto' && c.maxFallingProb !== null && c.maxFallingProb < cfg.minModelProb) return false;
    const geometric = Math.min(1, c.drop);
    const confidence = c.maxFallingProb === null ? geometric : (geometric + c.maxFallingProb) / 2;
    this.#fallen = { track: this.track, since: t, confidence, person: p };
    return true;
  }

  /** Forget a fallen person who has not been seen for `lostSeconds`. */
  expire(now: number): void {
    if (this.#fallen && now - this.lastSeen >= this.cfg.lostSeconds * 1000) this.#fallen = null;
  }
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
