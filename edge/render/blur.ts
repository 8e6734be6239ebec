/**
 * Privacy: pixelates regions of an RGB frame in place (each block becomes its mean
 * colour, which cannot be undone like a light blur can), and finds the face region of
 * each person from the head keypoints or, without a pose, from the top of the box.
 */
import type { Box } from '../../protocol/index.ts';
import type { RgbFrame, TrackedPerson } from '../types.ts';
import { clampBox } from '../vision/geometry.ts';
import { KP, MIN_KEYPOINT_SCORE } from '../vision/keypoints.ts';

export function blurRegions(frame: RgbFrame, boxes: Box[], blockSize?: number): void {
  for (const raw of boxes) {
    const [x0, y0, w, h] = clampBox(raw, frame.width, frame.height).map(Math.round) as Box;
    const block = blockSize ?? Math.max(4, Math.round(Math.max(w, h) / 6));
    for (let by = y0; by < y0 + h; by += block) {
      for (let bx = x0; bx < x0 + w; bx += block) {
        const bw = Math.min(block, x0 + w - bx);
        const bh = Math.min(block, y0 + h - by);
        let r = 0;
        let g = 0;
        let b = 0;
        for (let y = by; y < by + bh; y++) {
          for (let x = bx; x < bx + bw; x++) {
            const o = (y * frame.width + x) * 3;
            r += frame.data[o] as number;
            g += frame.data[o + 1] as number;
            b += frame.data[o + 2] as number;
          }
        }
        const n = Math.max(1, bw * bh);
        for (let y = by; y < by + bh; y++) {
          for (let x = bx; x < bx + bw; x++) {
            const o = (y * frame.width + x) * 3;
            frame.data[o] = r / n;
            frame.data[o + 1] = g / n;
            frame.data[o + 2] = b / n;
          }
        }
      }
    }
  }
}

const HEAD_POINTS = [KP.nose, KP.leftEye, KP.rightEye, KP.leftEar, KP.rightEar];

/** Face box per person: around the confident head keypoints, else the top fifth of the box (generous: privacy first). */
export function faceBoxes(persons: TrackedPerson[]): Box[] {
  return persons.map((p) => {
    const head = (p.keypoints ?? []).filter((k, i) => HEAD_POINTS.includes(i) && k[2] >= MIN_KEYPOINT_SCORE);
    const [bx, by, bw, bh] = p.box;
    if (head.length >= 2) {
      const xs = head.map((k) => k[0]);
      const ys = head.map((k) => k[1]);
      const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
      const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
      const side = Math.max(Math.max(...xs) - Math.min(...xs), bw * 0.35, 6) * 1.8;
      return [cx - side / 2, cy - side / 2, side, side];
    }
    const side = Math.max(bw * 0.8, bh * 0.2);
    return [bx + bw / 2 - side / 2, by, side, side];
  });
}

/** Pixelates every person's face region. */
export function blurFaces(frame: RgbFrame, persons: TrackedPerson[]): void {
  blurRegions(frame, faceBoxes(persons));
}
