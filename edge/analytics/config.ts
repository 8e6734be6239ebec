/**
 * Parameters of the safety rules, with their defaults. The edge config embeds
 * `RulesConfig`; every number a district or an institution may want to change is here,
 * never in rule code. Times are seconds, lengths are fractions of the person's height
 * (so rules do not depend on the camera's resolution or distance).
 */
import { z } from 'zod';
import { ClassType, DEFAULT_CLASS_RULES } from '../../protocol/index.ts';

/** Timing of one breach state machine (per camera, zone and kind). */
export const BreachTiming = z.object({
  /** The condition must hold this long before an incident opens (debounce). */
  onSeconds: z.number().nonnegative(),
  /** The condition must be clear this long before the incident resolves (hysteresis in time). */
  offSeconds: z.number().nonnegative(),
  /** After a resolve, no new incident of the same key opens for this long. */
  cooldownSeconds: z.number().nonnegative(),
  /** While open, an `update` is sent when the evidence changes, at most this often. */
  updateMinSeconds: z.number().positive(),
});
export type BreachTiming = z.infer<typeof BreachTiming>;

/**
 * How a person whose age class is `unknown` counts. `hold`: never counted as adult or
 * child; when the unknown people could change the verdict, the rule neither opens nor
 * resolves (it keeps its state) and the evidence reports them as `unknown`. `adult` /
 * `child`: count them as such (a deployer's explicit choice).
 */
export const UnknownAgePolicy = z.enum(['hold', 'adult', 'child']);
export type UnknownAgePolicy = z.infer<typeof UnknownAgePolicy>;

const FallAgeParams = z.object({
  /** The last upright sample must be at most this long before the person is down. */
  descentWindowSeconds: z.number().positive(),
  /** The head must drop by at least this fraction of the standing height. */
  minHeadDrop: z.number().positive(),
  /**
   * When hips are visible they must drop by at least this fraction too: bending over to
   * pick something up tilts the torso and lowers the head, but the hips stay high.
   */
  minHipDrop: z.number().nonnegative(),
  /**
   * Peak head descent speed (standing heights per second, over ≥ 0.2 s) between the last
   * upright sample and "down": lying down on purpose is slow, a fall is not.
   */
  minHeadSpeed: z.number().nonnegative(),
});

export const FallConfig = z.object({
  enabled: z.boolean().default(true),
  /**
   * The person must stay down (no recovery to upright) this long after the drop before
   * the incident opens. The incident therefore opens ≤ confirmSeconds + one frame after
   * the drop; 2 s keeps it well inside the 3 s target.
   */
  confirmSeconds: z.number().positive().max(10).default(2),
  /** Torso angle from vertical (degrees) at or below which a person counts as upright (standing or sitting). */
  uprightTorsoDeg: z.number().min(0).max(90).default(30),
  /** Torso angle from vertical (degrees) at or above which a person counts as lying. */
  lyingTorsoDeg: z.number().min(0).max(90).default(55),
  /** Box width / height at or above which a person counts as lying when the torso is not visible. */
  lyingBoxAspect: z.number().positive().default(1.2),
  /** Box height / width at or above which a person counts as upright when the torso is not visible. */
  uprightBoxAspect: z.number().positive().default(1.6),
  /** Zone types where lying down is normal (nap mats, cribs): never a fall there. */
  ignoreZoneTypes: z.array(z.enum(['room', 'play', 'nap', 'exit'])).default(['nap']),
  /** Keypoints below this score are ignored. */
  minKeypointScore: z.number().min(0).max(1).default(0.3),
  adult: FallAgeParams.default({ descentWindowSeconds: 1.5, minHeadDrop: 0.35, minHipDrop: 0.1, minHeadSpeed: 0.5 }),
  /**
   * Children drop to the floor on purpose all the time (crawling, kneeling, sitting down):
   * a child's fall must be faster and deeper to count.
   */
  child: FallAgeParams.default({ descentWindowSeconds: 0.8, minHeadDrop: 0.45, minHipDrop: 0.25, minHeadSpeed: 0.8 }),
  /**
   * Samples of a track younger than this that are not down count as its upright
   * reference: a clip (or a person entering the view) may start mid-fall, and the tracker
   * confirms a person only after a few detections. 0 turns the path off.
   */
  firstSightSeconds: z.number().nonnegative().default(1),
  /**
   * The fall rule reads detections down to this score (the count rules use the top-level
   * `minPersonScore`): a body on the floor is often a faint detection.
   */
  minPersonScore: z.number().min(0).max(1).default(0.25),
  /**
   * A new track that appears within `handoverSeconds` of another track's last sighting and
   * within `handoverDistance` × that track's box height of its last box centre continues
   * that track's fall state (the tracker often drops a falling body and re-finds it lying).
   * 0 s turns the handover off.
   */
  handoverSeconds: z.number().nonnegative().default(2),
  handoverDistance: z.number().nonnegative().default(0.75),
  /**
   * Box-only fall path (adults and unknown age; see fall-detector.ts): the box turned from
   * tall to wide within `boxWindowSeconds` while its top came down by ≥ `boxMinTopDrop`
   * of the tall box's height. 0 s turns the path off.
   */
  boxWindowSeconds: z.number().nonnegative().default(1.5),
  boxMinTopDrop: z.number().positive().default(0.5),
  /**
   * The hips must also drop by this fraction of the body height after the latest upright
   * or seated sample (when hips are visible): sitting on the floor first and then lying
   * back is deliberate. 0 turns the check off.
   */
  minHipDropAfterUpright: z.number().nonnegative().default(0.05),
  /**
   * A confirmed candidate whose whole descent took longer than this (head drop from its
   * highest point in the 3 s before the candidate to its lowest since, over its peak speed;
   * `descentSeconds` in fall-evidence.ts) is dropped, whichever path found it: lying down
   * on purpose is slow from top to bottom. Judged once, at confirmation, over the whole
   * descent, so a slow descent cannot pass on a later sample or through another path. 1 s
   * was chosen on the fit split alone (its slowest detected fall: URFD fall-08, 0.89 s;
   * models/activity/MODEL_CARD.md, eighth round). 0 turns the check off.
   */
  maxDescentSeconds: z.number().nonnegative().default(1),
  /**
   * Vanish path (people classified adult, not `unknown`: a toddler plopping down and then
   * lost by the detector looks the same; see fall-evidence.ts): a track lost for
   * `vanishSeconds` whose head came down at ≥ `vanishMinSpeed` body heights per second
   * over its last `vanishSpanSeconds`, and ≥ `vanishMinDrop` in all, is a candidate —
   * unless it was last seen at the frame's edge or with ≥ 30 % of its box behind another
   * person (it walked out of view or was hidden). 0 s (the default) turns the path off.
   * Off because the fit split gives it nothing to do: with the pose re-find it found one
   * more fall (GMDCSA24 subject 2 fall 12: 26/26 instead of 25/26, 31/31 either way) only
   * while it also fired for `unknown` age, which made a toddler plopping down and then
   * lost a fall; for adults only it finds nothing more on the fit split. Before the re-find
   * it raised 2 false falls on URFD ADLs (adl-22, adl-23: people lying down whom the
   * detector lost).
   */
  vanishSeconds: z.number().nonnegative().default(0),
  vanishSpanSeconds: z.number().positive().default(0.5),
  vanishMinSpeed: z.number().nonnegative().default(0.3),
  vanishMinDrop: z.number().nonnegative().default(0.1),
  /** Upright must last this long to count as standing before a fall. */
  minUprightSeconds: z.number().nonnegative().default(0),
  /** A fallen person upright again for this long ends the incident. */
  recoverSeconds: z.number().positive().default(2),
  /** A fallen person not seen for this long ends the incident (left the view or was carried). */
  lostSeconds: z.number().positive().default(30),
  /**
   * The activity model's role (see fall-detector.ts): `veto` drops a geometric candidate
   * whose `falling` probability never reached `minModelProb`; `assist` also lets the model
   * start a candidate for a person who is down with `falling` ≥ `modelTriggerProb`; `off`
   * ignores it. Without a model on the frames the geometry decides alone. Default `off`:
   * on the fit split the veto removed no false fall and cost one real fall (URFD fall-08),
   * and its verdicts shift with the vision settings (see models/activity/MODEL_CARD.md).
   */
  model: z.enum(['assist', 'veto', 'off']).default('off'),
  minModelProb: z.number().min(0).max(1).default(0.3),
  modelTriggerProb: z.number().min(0).max(1).default(0.8),
  /**
   * With the model on: a pose-path candidate whose head came down at least this fast (body
   * heights per second) is confirmed whatever the model says, so the veto only judges the
   * slow and box-only candidates the geometry is unsure of. 0 lets it veto every candidate.
   */
  modelSureHeadSpeed: z.number().nonnegative().default(0),
  cooldownSeconds: z.number().nonnegative().default(10),
  updateMinSeconds: z.number().positive().default(5),
});
export type FallConfig = z.infer<typeof FallConfig>;

const ClassRuleSchema = z.object({
  maxChildren: z.number().int().positive(),
  childrenPerAdult: z.number().positive(),
});

export const RulesConfig = z.object({
  fall: FallConfig.default(FallConfig.parse({})),
  crowding: BreachTiming.extend({
    enabled: z.boolean().default(true),
    /** Opens when count > capacity; clears only when count ≤ capacity − hysteresisPersons. */
    hysteresisPersons: z.number().int().nonnegative().default(0),
  }).default({ enabled: true, onSeconds: 10, offSeconds: 10, cooldownSeconds: 60, updateMinSeconds: 10, hysteresisPersons: 0 }),
  ratio: BreachTiming.extend({
    enabled: z.boolean().default(true),
    /** Limits per class type; defaults are the national rule (1:3 / 1:5 / 1:7). */
    classRules: z.record(ClassType, ClassRuleSchema).default({ ...DEFAULT_CLASS_RULES }),
  }).default({
    enabled: true,
    onSeconds: 30,
    offSeconds: 15,
    cooldownSeconds: 60,
    updateMinSeconds: 15,
    classRules: { ...DEFAULT_CLASS_RULES },
  }),
  unattended: BreachTiming.extend({
    enabled: z.boolean().default(true),
  }).default({ enabled: true, onSeconds: 10, offSeconds: 5, cooldownSeconds: 30, updateMinSeconds: 10 }),
  unknownAge: UnknownAgePolicy.default('hold'),
  /** A track not seen for this long no longer counts in any zone. */
  trackStaleSeconds: z.number().positive().default(2),
  /**
   * When no analysis has arrived for this long (camera down), count rules hold their
   * state instead of acting on old counts; camera health reports the gap.
   */
  analysisStaleSeconds: z.number().positive().default(10),
  /**
   * Tracked people scoring below this are not counted by the count rules (crowding, ratio,
   * unattended). 0: every person vision reports counts — the camera's scene already
   * decides who is a person (edge/vision/scene.ts: in a room, tracks start at 0.2 and a
   * seated toddler scores 0.15–0.3). It was 0.3 while vision started tracks at 0.3; kept
   * there, it hid most of the children the room scene finds (models/README.md
   * "Indoor detection").
   */
  minPersonScore: z.number().min(0).max(1).default(0),
});
export type RulesConfig = z.infer<typeof RulesConfig>;
export type RulesConfigInput = z.input<typeof RulesConfig>;

export function parseRulesConfig(input: unknown = {}): RulesConfig {
  return RulesConfig.parse(input);
}
