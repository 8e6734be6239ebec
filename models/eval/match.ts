/**
 * Detections against labelled people at one IoU: greedy in score order, each detection
 * taking the best free labelled person (COCO's rule). A detection on an `ignore` person
 * (a pasted cut-out) is neither right nor wrong, and that person is not counted missed.
 */
import type { Box } from '../../protocol/index.ts';
import { iou } from '../../edge/vision/geometry.ts';
import type { LabelledPerson } from './labelled-frames.ts';

export interface Matched<D> {
  /** Detection index → labelled person index, for detections on a counted person. */
  pairs: [number, number][];
  /** Detections on nobody labelled (false positives). */
  unmatched: number[];
  /** Detections on an ignored person. */
  neutral: number[];
  /** Counted labelled people no detection took. */
  missed: number[];
  dets: D[];
}

export function matchFrame<D extends { box: Box; score: number }>(dets: readonly D[], truth: readonly LabelledPerson[], minIou = 0.4): Matched<D> {
  const order = dets.map((_, i) => i).sort((a, b) => (dets[b] as D).score - (dets[a] as D).score);
  const taken = new Set<number>();
  const pairs: [number, number][] = [];
  const unmatched: number[] = [];
  const neutral: number[] = [];
  for (const di of order) {
    const box = (dets[di] as D).box;
    let best = -1;
    let bestIou = minIou;
    // Counted people first: a detection on a real person beside a pasted one counts.
    for (const pass of [false, true]) {
      truth.forEach((t, ti) => {
        if (t.ignore !== pass || taken.has(ti)) return;
        const v = iou(box, t.box);
        if (v >= bestIou) {
          bestIou = v;
          best = ti;
        }
      });
      if (best >= 0) break;
    }
    if (best < 0) unmatched.push(di);
    else if ((truth[best] as LabelledPerson).ignore) {
      neutral.push(di);
      taken.add(best);
    } else {
      pairs.push([di, best]);
      taken.add(best);
    }
  }
  const missed = truth.map((_, i) => i).filter((i) => !taken.has(i) && !(truth[i] as LabelledPerson).ignore);
  return { pairs, unmatched, neutral, missed, dets: [...dets] };
}
