/**
 * Snapshots that leave the edge: masked zones black, bystanders' faces pixelated, the
 * people named in the incident left readable; decoded back from the JPEG bytes.
 */
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { makeSnapshot } from '../../edge/agent-snapshot.ts';
import { readFrames } from '../../edge/capture/index.ts';
import { IncidentLifecycle } from '../../edge/incident-lifecycle.ts';
import type { FrameAnalysis, RgbFrame, TrackedPerson } from '../../edge/types.ts';
import { HAVE_VTEST, vtest } from './footage.ts';

function regionStd(rgb: Uint8Array, width: number, x0: number, y0: number, w: number, h: number, step = 3): number {
  let s = 0;
  let s2 = 0;
  let n = 0;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const v = rgb[(y * width + x) * step + 1]!;
      s += v;
      s2 += v * v;
      n++;
    }
  }
  return Math.sqrt(s2 / n - (s / n) ** 2);
}

describe('incident snapshot zones', () => {
  it('outlines the incident\'s zone thick and yellow, other zones thin, masked zones not at all', () => {
    const width = 320;
    const height = 180;
    const f: RgbFrame = { index: 0, t: 0, at: 0, width, height, data: new Uint8Array(width * height * 3).fill(90) };
    const lc = new IncidentLifecycle({ institutionId: 'i', edgeId: 'e', now: () => 0 });
    const incident = lc.open('k', { kind: 'crowding', severity: 'warning', cameraId: 'c', zoneId: 'mat', evidence: { counts: { persons: 7 } } });
    const box = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
    const zones = [
      { id: 'mat', type: 'play' as const, polygon: box(0.25, 0.25, 0.75, 0.75) },
      { id: 'room', type: 'room' as const, polygon: box(0.05, 0.05, 0.95, 0.95) },
      { id: 'wc', type: 'masked' as const, polygon: box(0.85, 0, 1, 0.2) },
    ];
    const img = jpeg.decode(makeSnapshot(f, null, incident, zones).jpeg, { useTArray: true });
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * width + x) * 4, (y * width + x) * 4 + 3));
    // The incident's zone: its left edge at x = 80 is yellow (high red and green, low blue).
    const [r, g, b] = px(81, 90);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeGreaterThan(170);
    expect(b).toBeLessThan(80);
    // Another zone: a light outline at x = 16; away from every outline the frame is unchanged grey.
    expect(px(16, 90)[0]).toBeGreaterThan(150);
    expect(Math.abs(px(40, 40)[0]! - 90)).toBeLessThan(12);
  });
});

describe.skipIf(!HAVE_VTEST)('incident snapshots', () => {
  it('blacks out masked zones, pixelates bystanders, keeps the people involved readable', async () => {
    let frame: RgbFrame | null = null;
    for await (const f of readFrames({ source: vtest(), realtime: false, every: 100 })) {
      frame = f;
      if (f.index >= 300) break;
    }
    const f = frame!;
    const person = (track: number, box: [number, number, number, number]): TrackedPerson => ({
      track, box, score: 0.9, keypoints: null, posture: 'upright', age: 'adult',
    });
    // Two person-sized regions with texture in the real frame (face = top fifth of the box).
    const involved = person(1, [100, 200, 80, 200]);
    const bystander = person(2, [400, 200, 80, 200]);
    const analysis: FrameAnalysis = { cameraId: 'c', frame: f, persons: [involved, bystander] };
    const lc = new IncidentLifecycle({ institutionId: 'i', edgeId: 'e', now: () => 0 });
    const incident = lc.open('k', {
      kind: 'fall', severity: 'critical', cameraId: 'c', zoneId: null,
      evidence: { persons: [{ track: 1, box: involved.box, score: 0.9 }] },
    });
    const zones = [{ id: 'wc', type: 'masked' as const, polygon: [[0.8, 0], [1, 0], [1, 0.3], [0.8, 0.3]] as [number, number][] }];
    const snap = makeSnapshot(f, analysis, incident, zones);
    expect(snap.meta).toMatchObject({ contentType: 'image/jpeg', width: 768, height: 576, bytes: snap.jpeg.byteLength });
    const img = jpeg.decode(snap.jpeg, { useTArray: true });

    // Masked: top-right corner is black (JPEG noise aside).
    expect(regionStd(img.data, 768, 640, 10, 100, 140, 4)).toBeLessThan(3);
    let sum = 0;
    for (let y = 10; y < 150; y++) for (let x = 640; x < 740; x++) sum += img.data[(y * 768 + x) * 4 + 1]!;
    expect(sum / (140 * 100)).toBeLessThan(8);

    // Face regions: inside the box, away from the drawn outline and label.
    const faceStd = (x: number) => regionStd(img.data, 768, x + 12, 212, 56, 28, 4);
    const origStd = (x: number) => regionStd(f.data, 768, x + 12, 212, 56, 28, 3);
    expect(faceStd(400)).toBeLessThan(origStd(400) * 0.8);
    expect(faceStd(100)).toBeGreaterThan(origStd(100) * 0.8);
  });
});
