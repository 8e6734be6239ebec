/**
 * Snapshot of an incident frame: masked zones are painted black first (toilets and
 * changing areas never leave the edge), then a renderer (default `renderEvidence`, built
 * on `edge/render/`) blurs bystanders' faces and draws boxes and skeletons, then the
 * zones are outlined (the incident's own thick and yellow), then JPEG.
 */
import type { IncidentEvent, ZoneConfig } from '../protocol/index.ts';
import { pointInPolygon } from './analytics/zones.ts';
import { encodeSnapshot, type EncodedSnapshot } from './publish/snapshot.ts';
import { blurFaces, drawPersons, drawPolygon, type Rgb } from './render/index.ts';
import type { FrameAnalysis, RgbFrame } from './types.ts';

/** Draws evidence on a copy of the frame; returns packed RGB of the same size. */
export type SnapshotRenderer = (frame: RgbFrame, analysis: FrameAnalysis | null, incident: IncidentEvent) => Uint8Array;

/**
 * Default renderer: pixelates the faces of everyone not named in the incident's evidence
 * (all faces when it names nobody: privacy first), then draws every person's box and
 * skeleton. Works on a copy; the caller's frame is untouched.
 */
export const renderEvidence: SnapshotRenderer = (frame, analysis, incident) => {
  const out: RgbFrame = { ...frame, data: new Uint8Array(frame.data) };
  if (!analysis) return out.data;
  const involved = new Set((incident.evidence.persons ?? []).map((p) => p.track));
  blurFaces(out, analysis.persons.filter((p) => !involved.has(p.track)));
  // No text in the picture: the dashboard labels the people from the evidence, in the
  // reader's language, where labels can neither overlap nor be cryptic abbreviations.
  drawPersons(out, analysis.persons, { labels: false });
  return out.data;
};

const INCIDENT_ZONE: Rgb = [255, 214, 0];
const OTHER_ZONE: Rgb = [235, 235, 235];

/** Outlines every analysed zone; the incident's own thick and yellow. */
export function drawZones(frame: RgbFrame, zones: readonly ZoneConfig[], incidentZoneId: string | null): void {
  for (const z of zones) {
    if (z.type === 'masked') continue;
    const own = z.id === incidentZoneId;
    drawPolygon(frame, z.polygon, own ? INCIDENT_ZONE : OTHER_ZONE, own ? 4 : 1);
  }
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
        if (pointInPolygon([(x + 0.5) / width, ny], z.polygon)) data.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
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
  const pixels = (render ?? renderEvidence)(safe, analysis, incident);
  drawZones({ ...frame, data: pixels }, zones, incident.zoneId);
  return encodeSnapshot(pixels, frame.width, frame.height);
}
