/**
 * Synthetic COCO-17 skeletons in motion: a stick body with adult or toddler proportions,
 * posed by segment angles and keyframed over time. Used by the rule tests (crawling,
 * rolling, sitting down, napping, falling) and as training data for the activity model,
 * since no real footage of infants or toddlers is available.
 */
import type { Box } from '../../protocol/index.ts';
import type { Activity, Keypoint } from '../../edge/types.ts';

/** Segment directions in degrees from "up" in the body's sagittal plane; + is forward. */
export interface Pose {
  torso: number;
  neck: number;
  thigh: [number, number];
  shin: [number, number];
  upperArm: [number, number];
  forearm: [number, number];
}

export const POSES = {
  standing: { torso: 0, neck: 5, thigh: [180, 180], shin: [180, 180], upperArm: [175, 185], forearm: [170, 185] },
  walkA: { torso: 3, neck: 5, thigh: [155, 205], shin: [175, 215], upperArm: [200, 160], forearm: [180, 150] },
  walkB: { torso: 3, neck: 5, thigh: [205, 155], shin: [215, 175], upperArm: [160, 200], forearm: [150, 180] },
  bending: { torso: 95, neck: 120, thigh: [175, 175], shin: [180, 180], upperArm: [180, 180], forearm: [180, 180] },
  sittingChair: { torso: 5, neck: 5, thigh: [90, 90], shin: [180, 180], upperArm: [170, 170], forearm: [110, 110] },
  sittingFloor: { torso: 10, neck: 10, thigh: [90, 95], shin: [95, 100], upperArm: [170, 170], forearm: [150, 150] },
  kneeling: { torso: 10, neck: 10, thigh: [180, 180], shin: [-90, -90], upperArm: [170, 170], forearm: [170, 170] },
  crawlA: { torso: 90, neck: 60, thigh: [180, 165], shin: [-90, -100], upperArm: [175, 190], forearm: [180, 185] },
  crawlB: { torso: 90, neck: 60, thigh: [165, 180], shin: [-100, -90], upperArm: [190, 175], forearm: [185, 180] },
  lyingBack: { torso: -90, neck: -95, thigh: [90, 90], shin: [90, 90], upperArm: [-80, -80], forearm: [-70, -70] },
  lying: { torso: 90, neck: 90, thigh: [270, 270], shin: [270, 270], upperArm: [265, 265], forearm: [260, 260] },
  lyingCurled: { torso: 85, neck: 80, thigh: [200, 210], shin: [260, 265], upperArm: [180, 190], forearm: [120, 130] },
} as const satisfies Record<string, Pose>;
export type PoseName = keyof typeof POSES;

export interface Proportions {
  torso: number;
  neck: number;
  thigh: number;
  shin: number;
  upperArm: number;
  forearm: number;
  shoulderHalf: number;
  hipHalf: number;
}

/** Fractions of standing height: toddlers have a big head, a long torso and short legs. */
export const ADULT: Proportions = { torso: 0.3, neck: 0.12, thigh: 0.245, shin: 0.245, upperArm: 0.17, forearm: 0.16, shoulderHalf: 0.11, hipHalf: 0.08 };
export const TODDLER: Proportions = { torso: 0.32, neck: 0.17, thigh: 0.19, shin: 0.17, upperArm: 0.14, forearm: 0.12, shoulderHalf: 0.1, hipHalf: 0.07 };

export interface Keyframe {
  /** Seconds from the start of the clip. */
  t: number;
  pose: PoseName;
  /** Foot-point x in pixels. */
  x: number;
  label: Activity;
  /** The motion into this keyframe is a fall: labelled `falling` and accelerating. */
  fall?: boolean;
}

export interface BodySpec {
  proportions: Proportions;
  /** Standing height in pixels. */
  height: number;
  /** Image y of the floor under the person, pixels. */
  groundY: number;
  /** +1 facing right, −1 facing left. */
  facing: 1 | -1;
  /** 0 frontal view, 90 profile. */
  yawDeg: number;
}

export interface SyntheticFrame {
  t: number;
  keypoints: Keypoint[];
  box: Box;
  label: Activity;
}

const SIDES = [-1, 1] as const;

function seg(angleDeg: number, len: number, fwd: number, facing: number): [number, number] {
  const a = (angleDeg * Math.PI) / 180;
  return [Math.sin(a) * len * fwd * facing, -Math.cos(a) * len];
}

/** Keypoints of one pose; `roll` (0..1) swaps the body's left and right side as in rolling over. */
export function poseKeypoints(pose: Pose, body: BodySpec, x: number, roll = 0): Keypoint[] {
  const H = body.height;
  const P = body.proportions;
  const yaw = (body.yawDeg * Math.PI) / 180;
  const fwd = Math.max(0.25, Math.sin(yaw));
  const lat = Math.cos(yaw) * Math.cos(roll * Math.PI);
  const f = body.facing;
  // Lateral offsets run perpendicular to the torso in the image.
  const t = seg(pose.torso, 1, fwd, f);
  const tn = Math.hypot(t[0], t[1]) || 1;
  const perp: [number, number] = [-t[1] / tn, t[0] / tn];
  const add = (p: [number, number], v: [number, number], k = 1): [number, number] => [p[0] + v[0] * k, p[1] + v[1] * k];
  const hip: [number, number] = [0, 0];
  const sh = add(hip, seg(pose.torso, P.torso * H, fwd, f));
  const nose = add(sh, seg(pose.neck, P.neck * H, fwd, f));
  const pts: [number, number][] = new Array(17);
  pts[0] = nose;
  const head = seg(pose.neck, 1, fwd, f);
  for (const [i, s] of [[1, -1], [2, 1]] as const) pts[i] = add(add(nose, head, 0.02 * H), perp, s * 0.03 * H * lat);
  for (const [i, s] of [[3, -1], [4, 1]] as const) pts[i] = add(add(nose, seg(pose.neck + 90, 0.04 * H, fwd, -f)), perp, s * 0.06 * H * lat);
  SIDES.forEach((s, k) => {
    const shP = add(sh, perp, s * P.shoulderHalf * H * lat);
    const elb = add(shP, seg(pose.upperArm[k] ?? 180, P.upperArm * H, fwd, f));
    const wri = add(elb, seg(pose.forearm[k] ?? 180, P.forearm * H, fwd, f));
    const hipP = add(hip, perp, s * P.hipHalf * H * lat);
    const knee = add(hipP, seg(pose.thigh[k] ?? 180, P.thigh * H, fwd, f));
    const ank = add(knee, seg(pose.shin[k] ?? 180, P.shin * H, fwd, f));
    pts[5 + k] = shP;
    pts[7 + k] = elb;
    pts[9 + k] = wri;
    pts[11 + k] = hipP;
    pts[13 + k] = knee;
    pts[15 + k] = ank;
  });
  const maxY = Math.max(...pts.map((p) => p[1]));
  const footY = body.groundY - 0.02 * H;
  return pts.map((p) => [p[0] + x, p[1] - maxY + footY, 0.9] as Keypoint);
}

function lerpPose(a: Pose, b: Pose, u: number): Pose {
  const l = (p: number, q: number) => p + (q - p) * u;
  const l2 = (p: readonly number[], q: readonly number[]): [number, number] => [l(p[0] ?? 0, q[0] ?? 0), l(p[1] ?? 0, q[1] ?? 0)];
  return {
    torso: l(a.torso, b.torso),
    neck: l(a.neck, b.neck),
    thigh: l2(a.thigh, b.thigh),
    shin: l2(a.shin, b.shin),
    upperArm: l2(a.upperArm, b.upperArm),
    forearm: l2(a.forearm, b.forearm),
  };
}

export function boxOf(kps: readonly Keypoint[], pad: number): Box {
  const xs = kps.map((k) => k[0]);
  const ys = kps.map((k) => k[1]);
  const x0 = Math.min(...xs) - pad;
  const y0 = Math.min(...ys) - pad;
  return [x0, y0, Math.max(...xs) + pad - x0, Math.max(...ys) + pad - y0];
}

export interface RenderOptions {
  fps: number;
  /** Rolls over once per this many seconds while lying (0: no rolling). */
  rollPeriodSeconds?: number;
  /**
   * Deliberate moves (not falls) start and stop smoothly (smoothstep, as people move)
   * instead of at a constant speed; falls accelerate either way.
   */
  smooth?: boolean;
}

/** Frames of a keyframed clip; poses are interpolated between keyframes. */
export function renderClip(keys: readonly Keyframe[], body: BodySpec, opts: RenderOptions): SyntheticFrame[] {
  const first = keys[0];
  const last = keys[keys.length - 1];
  if (!first || !last) return [];
  const frames: SyntheticFrame[] = [];
  const dt = 1 / opts.fps;
  for (let t = first.t; t <= last.t + 1e-9; t += dt) {
    let i = 0;
    while (i < keys.length - 2 && (keys[i + 1]?.t ?? Infinity) <= t) i += 1;
    const a = keys[i] ?? first;
    const b = keys[i + 1] ?? a;
    const span = b.t - a.t;
    let u = span > 0 ? Math.min(1, Math.max(0, (t - a.t) / span)) : 1;
    if (b.fall) u = u * u;
    else if (opts.smooth) u = u * u * (3 - 2 * u);
    const pose = lerpPose(POSES[a.pose], POSES[b.pose], u);
    const roll = opts.rollPeriodSeconds ? (t / opts.rollPeriodSeconds) % 1 : 0;
    const kps = poseKeypoints(pose, body, a.x + (b.x - a.x) * u, a.pose === 'lying' && b.pose === 'lying' ? roll : 0);
    frames.push({ t, keypoints: kps, box: boxOf(kps, 0.03 * body.height), label: b.fall && u < 1 && t > a.t ? 'falling' : u >= 0.5 ? b.label : a.label });
  }
  return frames;
}
