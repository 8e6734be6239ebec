/**
 * Detection and tracking metrics against MOT15 ground truth: count error, precision and
 * recall at an IoU threshold, CLEAR-MOT MOTA and IDF1 (global identity matching).
 */
import { readFile } from 'node:fs/promises';
import type { Box } from '../../protocol/index.ts';
import { iou, matchBySimilarity } from '../../edge/vision/geometry.ts';

export interface Labelled {
  id: number;
  box: Box;
}

/** Ground truth by 0-based frame index (MOT files count frames from 1). */
export async function readMotGroundTruth(path: string): Promise<Map<number, Labelled[]>> {
  const out = new Map<number, Labelled[]>();
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const f = line.trim().split(',');
    if (f.length < 6) continue;
    const [frame, id, x, y, w, h] = f.slice(0, 6).map(Number) as [number, number, number, number, number, number];
    const index = frame - 1;
    const list = out.get(index) ?? [];
    list.push({ id, box: [x, y, w, h] });
    out.set(index, list);
  }
  return out;
}

export interface MetricsResult {
  frames: number;
  countMae: number;
  meanCountError: number;
  precision: number;
  recall: number;
  mota: number;
  idf1: number;
  idSwitches: number;
  tp: number;
  fp: number;
  fn: number;
}

/** Accumulates per-frame results; `finish()` computes all metrics. */
export function createMotAccumulator(iouThreshold = 0.5) {
  let frames = 0;
  let absCount = 0;
  let signedCount = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let idsw = 0;
  let gtTotal = 0;
  let predTotal = 0;
  const lastMatch = new Map<number, number>();
  // (gt id, predicted id) → frames where they overlap at the threshold, for IDF1.
  const pairCounts = new Map<string, number>();
  const gtIdFrames = new Map<number, number>();
  const predIdFrames = new Map<number, number>();

  function add(gt: Labelled[], pred: Labelled[]): void {
    frames++;
    absCount += Math.abs(pred.length - gt.length);
    signedCount += pred.length - gt.length;
    gtTotal += gt.length;
    predTotal += pred.length;
    const sim = gt.map((g) => pred.map((p) => iou(g.box, p.box)));
    const pairs = matchBySimilarity(sim, iouThreshold);
    tp += pairs.length;
    fn += gt.length - pairs.length;
    fp += pred.length - pairs.length;
    for (const [gi, pi] of pairs) {
      const g = gt[gi] as Labelled;
      const p = pred[pi] as Labelled;
      const prev = lastMatch.get(g.id);
      if (prev !== undefined && prev !== p.id) idsw++;
      lastMatch.set(g.id, p.id);
    }
    for (const g of gt) gtIdFrames.set(g.id, (gtIdFrames.get(g.id) ?? 0) + 1);
    for (const p of pred) predIdFrames.set(p.id, (predIdFrames.get(p.id) ?? 0) + 1);
    gt.forEach((g, gi) =>
      pred.forEach((p, pi) => {
        if ((sim[gi]?.[pi] ?? 0) >= iouThreshold) {
          const key = `${g.id}:${p.id}`;
          pairCounts.set(key, (pairCounts.get(key) ?? 0) + 1);
        }
      }),
    );
  }

  function idf1(): number {
    const gtIds = [...gtIdFrames.keys()];
    const predIds = [...predIdFrames.keys()];
    if (gtIds.length === 0 || predIds.length === 0) return 0;
    const maxCount = Math.max(1, ...pairCounts.values());
    const sim = gtIds.map((g) => predIds.map((p) => (pairCounts.get(`${g}:${p}`) ?? 0) / maxCount));
    const idtp = matchBySimilarity(sim, 1e-9).reduce(
      (s, [gi, pi]) => s + (pairCounts.get(`${gtIds[gi]}:${predIds[pi]}`) ?? 0),
      0,
    );
    return (2 * idtp) / (gtTotal + predTotal);
  }

  function finish(): MetricsResult {
    const safe = (n: number, d: number) => (d > 0 ? n / d : 0);
    return {
      frames,
      countMae: safe(absCount, frames),
      meanCountError: safe(signedCount, frames),
      precision: safe(tp, tp + fp),
      recall: safe(tp, tp + fn),
      mota: 1 - safe(fn + fp + idsw, gtTotal),
      idf1: idf1(),
      idSwitches: idsw,
      tp,
      fp,
      fn,
    };
  }

  return { add, finish };
}
