/**
 * Drawing on packed RGB24 frames in place: boxes, track ids, skeletons. Pure pixel code
 * so snapshots and `--render` videos need no canvas library.
 */
import type { Box } from '../../protocol/index.ts';
import type { RgbFrame, TrackedPerson } from '../types.ts';
import { MIN_KEYPOINT_SCORE, SKELETON } from '../vision/keypoints.ts';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './font.ts';

export type Rgb = [number, number, number];

export const postureColours: Record<string, Rgb> = {
  upright: [40, 200, 40],
  sitting: [240, 200, 0],
  lying: [240, 60, 40],
  unknown: [160, 160, 160],
};

function setPixel(f: RgbFrame, x: number, y: number, c: Rgb): void {
  if (x < 0 || y < 0 || x >= f.width || y >= f.height) return;
  const o = (Math.trunc(y) * f.width + Math.trunc(x)) * 3;
  f.data[o] = c[0];
  f.data[o + 1] = c[1];
  f.data[o + 2] = c[2];
}

export function fillRect(f: RgbFrame, x: number, y: number, w: number, h: number, c: Rgb): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(f.width, Math.round(x + w));
  const y1 = Math.min(f.height, Math.round(y + h));
  for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) setPixel(f, xx, yy, c);
}

export function drawBox(f: RgbFrame, box: Box, c: Rgb, thickness = 2): void {
  const [x, y, w, h] = box;
  fillRect(f, x, y, w, thickness, c);
  fillRect(f, x, y + h - thickness, w, thickness, c);
  fillRect(f, x, y, thickness, h, c);
  fillRect(f, x + w - thickness, y, thickness, h, c);
}

export function drawLine(f: RgbFrame, x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 2): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
  const half = Math.floor(thickness / 2);
  for (let i = 0; i <= steps; i++) {
    const x = x0 + ((x1 - x0) * i) / steps;
    const y = y0 + ((y1 - y0) * i) / steps;
    fillRect(f, x - half, y - half, thickness, thickness, c);
  }
}

/** Text in a 5×7 pixel font, scaled; characters outside the font are skipped. */
export function drawText(f: RgbFrame, text: string, x: number, y: number, c: Rgb, scale = 2): void {
  let cx = x;
  for (const ch of text) {
    const rows = glyph(ch);
    rows?.forEach((bits, ry) => {
      for (let rx = 0; rx < GLYPH_WIDTH; rx++) {
        if (bits & (1 << (GLYPH_WIDTH - 1 - rx))) fillRect(f, cx + rx * scale, y + ry * scale, scale, scale, c);
      }
    });
    cx += (GLYPH_WIDTH + 1) * scale;
  }
}

export function textWidth(text: string, scale = 2): number {
  return text.length * (GLYPH_WIDTH + 1) * scale;
}

/** A closed polygon of normalised points ([0, 1] of the frame), outlined. */
export function drawPolygon(f: RgbFrame, polygon: readonly (readonly [number, number])[], c: Rgb, thickness = 2): void {
  polygon.forEach(([x, y], i) => {
    const [nx, ny] = polygon[(i + 1) % polygon.length]!;
    // Keep the outline inside the frame so an edge on the border stays visible.
    const px = (v: number, size: number) => Math.min(size - thickness, Math.max(0, v * size));
    drawLine(f, px(x, f.width), px(y, f.height), px(nx, f.width), px(ny, f.height), c, thickness);
  });
}

export interface DrawPersonsOptions {
  /**
   * A label with track id, posture and age above each box (`anyu analyze --render`);
   * snapshots leave it out: the dashboard writes it in the reader's language.
   */
  labels?: boolean;
}

/** Boxes coloured by posture, the skeleton, and (by default) a label with track id / posture / age. */
export function drawPersons(frame: RgbFrame, persons: TrackedPerson[], opts: DrawPersonsOptions = {}): void {
  for (const p of persons) {
    const c = postureColours[p.posture] ?? postureColours.unknown as Rgb;
    drawBox(frame, p.box, c);
    if (p.keypoints) {
      for (const [a, b] of SKELETON) {
        const ka = p.keypoints[a];
        const kb = p.keypoints[b];
        if (ka && kb && ka[2] >= MIN_KEYPOINT_SCORE && kb[2] >= MIN_KEYPOINT_SCORE) drawLine(frame, ka[0], ka[1], kb[0], kb[1], [0, 220, 255], 2);
      }
      for (const k of p.keypoints) if (k[2] >= MIN_KEYPOINT_SCORE) fillRect(frame, k[0] - 2, k[1] - 2, 4, 4, [255, 255, 255]);
    }
    if (opts.labels === false) continue;
    const label = `${p.track} ${p.posture.slice(0, 3)} ${p.age === 'unknown' ? '?' : p.age.slice(0, 5)}`.toUpperCase();
    const scale = p.box[3] >= 150 ? 2 : 1;
    const ly = Math.max(0, p.box[1] - GLYPH_HEIGHT * scale - 4);
    fillRect(frame, p.box[0], ly, textWidth(label, scale) + 4, GLYPH_HEIGHT * scale + 4, [0, 0, 0]);
    drawText(frame, label, p.box[0] + 2, ly + 2, c, scale);
  }
}
