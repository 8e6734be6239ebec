/**
 * Training-time augmentation of keypoint sequences, each documented in MODEL_CARD.md:
 * mirroring, in-plane rotation, anisotropic scale (camera tilt), playback speed,
 * coordinate noise with keypoint dropout, and toddler body proportions applied to
 * adults (short legs, big head) since no real footage of small children exists here.
 */
import type { Keypoint } from '../../edge/types.ts';
import { KP, MIRROR_INDEX, meanPoint } from '../../edge/analytics/pose-geometry.ts';

export type Rng = () => number;

/** Deterministic PRNG (mulberry32) so training is reproducible from its seed. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gauss(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
}

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

type Window = Keypoint[][];

function centroid(w: Window): [number, number] {
  let x = 0;
  let y = 0;
  let n = 0;
  for (const kps of w) for (const k of kps) if (k[2] > 0.2) ((x += k[0]), (y += k[1]), (n += 1));
  return n ? [x / n, y / n] : [0, 0];
}

function extent(w: Window): number {
  let e = 1;
  for (const kps of w) {
    const xs = kps.filter((k) => k[2] > 0.2).map((k) => k[0]);
    const ys = kps.filter((k) => k[2] > 0.2).map((k) => k[1]);
    if (xs.length) e = Math.max(e, Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  }
  return e;
}

export function mirror(w: Window): Window {
  const [cx] = centroid(w);
  return w.map((kps) => MIRROR_INDEX.map((j) => {
    const k = kps[j] ?? [0, 0, 0];
    return [2 * cx - k[0], k[1], k[2]] as Keypoint;
  }));
}

/** Rotation by `deg` and scale (sx, sy) about the window's centroid. */
export function affine(w: Window, deg: number, sx: number, sy: number): Window {
  const [cx, cy] = centroid(w);
  const a = (deg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  return w.map((kps) => kps.map((k) => {
    const x = (k[0] - cx) * sx;
    const y = (k[1] - cy) * sy;
    return [cx + x * c - y * s, cy + x * s + y * c, k[2]] as Keypoint;
  }));
}

export function noise(w: Window, rng: Rng, sigma: number, dropP: number): Window {
  const e = extent(w);
  return w.map((kps) => kps.map((k) => (rng() < dropP ? [k[0], k[1], 0] : [k[0] + gauss(rng) * sigma * e, k[1] + gauss(rng) * sigma * e, k[2]]) as Keypoint));
}

/** Toddler proportions on an adult: legs shortened towards the hips, head enlarged about the neck. */
export function childProportions(w: Window, legScale: number, headScale: number): Window {
  return w.map((kps) => {
    const out = kps.map((k) => [...k] as Keypoint);
    const hip = meanPoint(kps, [KP.leftHip, KP.rightHip], 0.2);
    const sh = meanPoint(kps, [KP.leftShoulder, KP.rightShoulder], 0.2);
    for (const [h, kn, an] of [[KP.leftHip, KP.leftKnee, KP.leftAnkle], [KP.rightHip, KP.rightKnee, KP.rightAnkle]] as const) {
      const hp = kps[h];
      const knee = kps[kn];
      const ankle = kps[an];
      if (!hp || !knee || !ankle) continue;
      const nk: Keypoint = [hp[0] + (knee[0] - hp[0]) * legScale, hp[1] + (knee[1] - hp[1]) * legScale, knee[2]];
      out[kn] = nk;
      out[an] = [nk[0] + (ankle[0] - knee[0]) * legScale, nk[1] + (ankle[1] - knee[1]) * legScale, ankle[2]];
    }
    if (sh && hip) {
      for (let j = 0; j <= KP.rightEar; j += 1) {
        const k = kps[j];
        if (k) out[j] = [sh[0] + (k[0] - sh[0]) * headScale, sh[1] + (k[1] - sh[1]) * headScale, k[2]];
      }
    }
    return out;
  });
}

/** Resamples a sequence at `rate` × speed by linear interpolation between neighbouring samples. */
export function resample<T extends { keypoints: Keypoint[] | null }>(seq: readonly T[], rate: number, blend: (a: T, b: T, u: number) => T): T[] {
  const out: T[] = [];
  for (let pos = 0; pos <= seq.length - 1; pos += rate) {
    const i = Math.floor(pos);
    const a = seq[i];
    const b = seq[Math.min(seq.length - 1, i + 1)];
    if (a && b) out.push(blend(a, b, pos - i));
  }
  return out;
}

export interface AugmentOptions {
  childP: number;
}

/** One random augmentation of a window. */
export function augmentWindow(w: Window, rng: Rng, opts: AugmentOptions): Window {
  let x = w;
  if (rng() < 0.5) x = mirror(x);
  if (rng() < opts.childP) x = childProportions(x, uniform(rng, 0.65, 0.85), uniform(rng, 1.15, 1.45));
  x = affine(x, uniform(rng, -12, 12), uniform(rng, 0.9, 1.1), uniform(rng, 0.85, 1.15));
  return noise(x, rng, 0.012, 0.04);
}
