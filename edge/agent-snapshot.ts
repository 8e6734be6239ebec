/**
 * Snapshot of an incident frame: masked zones are painted black first (toilets and
 * changing areas never leave the edge), then an optional renderer from `edge/render/`
 * draws boxes and skeletons and blurs bystanders' faces, then JPEG encoding.
 */
import type { IncidentEvent, ZoneConfig } from '../protocol/index.ts';
import { encodeSnapshot, type EncodedSnapshot } from './publish/snapshot.ts';
import type { FrameAnalysis, RgbFrame } from './types.ts';

/** Draws evidence on a copy of the frame; returns packed RGB of the same size. */
export type SnapshotRenderer = (frame: RgbFrame, analysis: FrameAnalysis | null, incident: IncidentEvent) => Uint8Array;

function inside(x: number, y: number, poly: readonly (readonly [number, number])[]): boolean {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

export function maskZones(frame: RgbFrame, zones: readonly ZoneConfig[]): RgbFrame {
  const masked = zones.filter((z) => z.type === 'masked');
  if (masked.length === 0) return frame;
  const data = new Uint8Array(frame.data);
  const { width, height } = frame;
  for (const z of masked) {
    for (let y = 0; y < height; y++) {
      const ny = (y + 0.5) / height;
      for (let x = 0; x < width; x++) {
        if (inside((x + 0.5) / width, ny, z.polygon)) data.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
    }
  }
  return { ...frame, data };
}

export function makeSnapshot(
  frame: RgbFrame,
  analysis: FrameAnalysis | null,
  incident: IncidentEvent,
  zones: readonly ZoneConfig[],
  render?: SnapshotRenderer,
): EncodedSnapshot {
  const safe = maskZones(frame, zones);
  // The renderer draws on the masked frame, so it can never bring masked pixels back.
  const pixels = render ? render(safe, analysis, incident) : safe.data;
  return encodeSnapshot(pixels, frame.width, frame.height);
}
