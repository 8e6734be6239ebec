/**
 * Zone membership by the foot point: the bottom centre of the person's box, normalised to
 * the frame. Feet are where a person stands, so a tall adult whose head overlaps the next
 * zone in the image still belongs to the zone on the floor.
 */
import type { Box, Polygon, ZoneConfig } from '../../protocol/index.ts';
import type { FrameAnalysis, TrackedPerson } from '../types.ts';

export function footPoint(box: Box, width: number, height: number): [number, number] {
  const [x, y, w, h] = box;
  return [clamp01((x + w / 2) / width), clamp01((y + h) / height)];
}

/** Even-odd ray casting; points on an edge may fall either side, which is fine for people. */
export function pointInPolygon(p: readonly [number, number], poly: Polygon): boolean {
  const [px, py] = p;
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i];
    const b = poly[j];
    if (!a || !b) continue;
    const crosses = a[1] > py !== b[1] > py;
    if (crosses && px < ((b[0] - a[0]) * (py - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

export interface PlacedPerson extends TrackedPerson {
  foot: [number, number];
  /** Ids of the (non-masked) zones the foot point is in. */
  zones: string[];
}

/**
 * Places each person into zones and drops everyone standing in a `masked` zone before any
 * rule sees them: they are never counted and never appear in evidence.
 */
export function placePersons(analysis: FrameAnalysis, zones: readonly ZoneConfig[], minScore: number): PlacedPerson[] {
  const { width, height } = analysis.frame;
  const masked = zones.filter((z) => z.type === 'masked');
  const open = zones.filter((z) => z.type !== 'masked');
  const placed: PlacedPerson[] = [];
  for (const p of analysis.persons) {
    if (p.score < minScore) continue;
    const foot = footPoint(p.box, width, height);
    if (masked.some((z) => pointInPolygon(foot, z.polygon))) continue;
    placed.push({ ...p, foot, zones: open.filter((z) => pointInPolygon(foot, z.polygon)).map((z) => z.id) });
  }
  return placed;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
