/**
 * A cheap appearance signature per person for the tracker: colour histograms of the
 * upper and lower body (clothes), so two people who cross keep their own identities
 * when their boxes overlap. 4×4×4 RGB bins per half, sampled on a sparse grid.
 */
import type { Box } from '../../protocol/index.ts';
import type { RgbFrame } from '../types.ts';

const BINS = 4;
const HALF = BINS * BINS * BINS;
/** Samples per axis and half: enough for a stable histogram, cheap for many people. */
const GRID = 12;

export function appearanceOf(frame: RgbFrame, box: Box): Float32Array {
  const hist = new Float32Array(2 * HALF);
  // Inner part of the box: less background at the sides, no head or floor.
  const x0 = box[0] + box[2] * 0.2;
  const w = box[2] * 0.6;
  const y0 = box[1] + box[3] * 0.15;
  const h = box[3] * 0.75;
  for (let half = 0; half < 2; half++) {
    let n = 0;
    for (let gy = 0; gy < GRID; gy++) {
      const y = Math.floor(y0 + (h / 2) * half + ((gy + 0.5) * (h / 2)) / GRID);
      if (y < 0 || y >= frame.height) continue;
      for (let gx = 0; gx < GRID; gx++) {
        const x = Math.floor(x0 + ((gx + 0.5) * w) / GRID);
        if (x < 0 || x >= frame.width) continue;
        const o = (y * frame.width + x) * 3;
        const r = ((frame.data[o] as number) * BINS) >> 8;
        const g = ((frame.data[o + 1] as number) * BINS) >> 8;
        const b = ((frame.data[o + 2] as number) * BINS) >> 8;
        hist[half * HALF + (r * BINS + g) * BINS + b]! += 1;
        n++;
      }
    }
    if (n > 0) for (let i = 0; i < HALF; i++) hist[half * HALF + i]! /= n;
  }
  return hist;
}

/** Bhattacharyya coefficient averaged over both halves: 1 = same colours, 0 = disjoint. */
export function appearanceSimilarity(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.sqrt((a[i] as number) * (b[i] as number));
  return s / 2;
}

/** Running blend of a track's signature with a new observation. */
export function blendAppearance(into: Float32Array, obs: Float32Array, weight: number): void {
  for (let i = 0; i < into.length; i++) into[i] = (1 - weight) * (into[i] as number) + weight * (obs[i] as number);
}
