/** Box arithmetic shared by detection, tracking, evaluation and rendering. Boxes are [x, y, w, h]. */
import { munkres } from 'munkres';
import type { Box } from '../../protocol/index.ts';

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a[0], b[0]);
  const y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** Intersection over the smaller box: catches a fragment box lying inside a whole-person box. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const x1 = Math.max(a[0], b[0]);
  const y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const smaller = Math.min(a[2] * a[3], b[2] * b[3]);
  return smaller > 0 ? inter / smaller : 0;
}

/** Share of box `a` covered by box `b` (0..1). */
export function coveredShare(a: Box, b: Box): number {
  const iw = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return iw > 0 && ih > 0 ? (iw * ih) / Math.max(1e-9, a[2] * a[3]) : 0;
}

/** The smallest box holding both. */
export function unionBox(a: Box, b: Box): Box {
  const x = Math.min(a[0], b[0]);
  const y = Math.min(a[1], b[1]);
  return [x, y, Math.max(a[0] + a[2], b[0] + b[2]) - x, Math.max(a[1] + a[3], b[1] + b[3]) - y];
}

/** `b` cut to the frame; a box wholly outside becomes an empty box on the frame's edge. */
export function clampBox(b: Box, width: number, height: number): Box {
  const x = Math.max(0, Math.min(width, b[0]));
  const y = Math.max(0, Math.min(height, b[1]));
  const x2 = Math.max(x, Math.min(width, b[0] + b[2]));
  const y2 = Math.max(y, Math.min(height, b[1] + b[3]));
  return [x, y, x2 - x, y2 - y];
}

/**
 * `region` as a crop of a `width`×`height` image: whole pixels (outward), inside the
 * image, at least one pixel each way — what a tensor slice needs, unlike `clampBox`,
 * which keeps fractions and may return an empty box.
 */
export function pixelRegion(region: Box, width: number, height: number): Box {
  const x = Math.max(0, Math.min(width - 1, Math.floor(region[0])));
  const y = Math.max(0, Math.min(height - 1, Math.floor(region[1])));
  const x2 = Math.max(x + 1, Math.min(width, Math.ceil(region[0] + region[2])));
  const y2 = Math.max(y + 1, Math.min(height, Math.ceil(region[1] + region[3])));
  return [x, y, x2 - x, y2 - y];
}

/**
 * Optimal one-to-one matching (Hungarian) between rows and columns of a similarity
 * matrix; pairs below `minSimilarity` are left unmatched.
 */
export function matchBySimilarity(sim: number[][], minSimilarity: number): [number, number][] {
  const rows = sim.length;
  const cols = rows > 0 ? (sim[0]?.length ?? 0) : 0;
  if (rows === 0 || cols === 0) return [];
  const cost = sim.map((r) => r.map((s) => (s >= minSimilarity ? 1 - s : 1e6)));
  return munkres(cost).filter(([r, c]) => (sim[r]?.[c] ?? 0) >= minSimilarity) as [number, number][];
}

/** Greedy non-maximum suppression; `items` need not be sorted. */
export function nms<T extends { box: Box; score: number }>(items: T[], maxIou: number, maxContained = 1): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const it of sorted) {
    if (kept.every((k) => iou(k.box, it.box) <= maxIou && overlapOfSmaller(k.box, it.box) <= maxContained)) kept.push(it);
  }
  return kept;
}
