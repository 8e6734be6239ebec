/**
 * Multi-person tracker for one camera, ByteTrack style: confident detections start and
 * continue tracks, weak ones may only continue tracks that already exist (a person half
 * hidden behind another still scores low). Motion is a constant-velocity model on box
 * centre and size; assignment is optimal (Hungarian) on IoU against predicted boxes, with
 * a centre-distance fallback so a track survives a short occlusion. A track is reported
 * once it has `minHits` hits and is forgotten `maxAgeMs` after its last hit.
 */
import type { Box } from '../../protocol/index.ts';
import type { Detection } from '../types.ts';
import { appearanceSimilarity, blendAppearance } from './appearance.ts';
import { iou, matchBySimilarity } from './geometry.ts';

export interface TrackerOptions {
  /** Detections at or above this start tracks. */
  highScore: number;
  /** Detections between this and `highScore` only continue tracks. */
  lowScore: number;
  minHits: number;
  maxAgeMs: number;
  /** Report a confirmed track on its predicted box for this long after its last hit. */
  coastMs: number;
  minIou: number;
  /** Velocity smoothing (0..1): weight of the newest measurement. */
  velocityGain: number;
  /** Share of the association score given to clothing colours when signatures are supplied. */
  appearanceWeight: number;
}

export const defaultTrackerOptions: TrackerOptions = {
  highScore: 0.35,
  lowScore: 0.2,
  minHits: 2,
  maxAgeMs: 5000,
  coastMs: 300,
  minIou: 0.25,
  velocityGain: 0.4,
  appearanceWeight: 0.3,
};

export interface TrackState {
  id: number;
  box: Box;
  score: number;
  hits: number;
  confirmed: boolean;
  lastSeenMs: number;
  /** Index of the detection that updated the track this frame, or -1. */
  detection: number;
}

interface Track extends TrackState {
  cx: number;
  cy: number;
  w: number;
  h: number;
  vx: number;
  vy: number;
  lastUpdateMs: number;
  appearance: Float32Array | null;
  /** Reported without sightings until this media time (adopted still bodies); -Infinity: no hold. */
  holdUntilMs: number;
}

export interface Tracker {
  /**
   * Feeds one frame's detections at media time `tMs`; returns the tracks to report.
   * `appearances` (optional, same order as detections) are colour signatures.
   */
  update(detections: Detection[], tMs: number, appearances?: (Float32Array | null)[]): TrackState[];
  /**
   * Frames without detection (detect every k-th frame): reports the tracks seen at the
   * last detection, moved along their motion, without counting a miss.
   */
  predict(tMs: number): TrackState[];
  /** All live tracks, reported or not (for tests and diagnostics). */
  tracks(): readonly TrackState[];
  /**
   * Re-finds a live confirmed track from another measurement than the detector (the
   * pipeline's pose re-find of a body the detector lost): the track moves to `box`, stops
   * (velocity zero: a lost body is usually a still one) and counts as seen at `tMs`.
   * Returns its state to report, or null when no such track lives.
   */
  refind(id: number, box: Box, score: number, tMs: number): TrackState | null;
  /**
   * Takes a body found by another model (the lying-body sweep) as a confirmed track: a
   * live track not seen on this frame whose predicted box overlaps it (IoU ≥ `minIou`)
   * is re-found there, otherwise a new track starts. Either way it stays reported, still,
   * until `tMs + holdMs` unless seen again.
   */
  adopt(box: Box, score: number, tMs: number, holdMs: number): TrackState;
}

function toBox(t: Pick<Track, 'cx' | 'cy' | 'w' | 'h'>): Box {
  return [t.cx - t.w / 2, t.cy - t.h / 2, t.w, t.h];
}

interface Candidate {
  det: Detection;
  index: number;
  appearance: Float32Array | null;
}

function similarity(track: Track, predicted: Box, c: Candidate, appearanceWeight: number): number {
  const det = c.det;
  const app = track.appearance && c.appearance ? appearanceSimilarity(track.appearance, c.appearance) : null;
  const overlap = iou(predicted, det.box);
  if (overlap > 0) return app === null ? overlap : (1 - appearanceWeight) * overlap + appearanceWeight * app * Math.min(1, overlap * 4);
  // Fallback for fast or briefly hidden people: near centres and similar height.
  const dx = det.box[0] + det.box[2] / 2 - track.cx;
  const dy = det.box[1] + det.box[3] / 2 - track.cy;
  const dist = Math.hypot(dx, dy) / Math.max(track.h, 1);
  const sizeRatio = Math.min(det.box[3], track.h) / Math.max(det.box[3], track.h, 1);
  return dist < 0.5 && sizeRatio > 0.7 ? 0.01 + 0.2 * (1 - dist) * sizeRatio * (app ?? 1) : 0;
}

export function createTracker(options: Partial<TrackerOptions> = {}): Tracker {
  const opts = { ...defaultTrackerOptions, ...options };
  let live: Track[] = [];
  let nextId = 1;

  function predictBox(t: Track, nowMs: number): Box {
    const dt = Math.min(nowMs - t.lastUpdateMs, 1000) / 1000;
    return toBox({ cx: t.cx + t.vx * dt, cy: t.cy + t.vy * dt, w: t.w, h: t.h });
  }

  function correct(t: Track, c: Candidate, nowMs: number): void {
    const { det, index } = c;
    if (c.appearance) {
      if (t.appearance) blendAppearance(t.appearance, c.appearance, 0.2);
      else t.appearance = Float32Array.from(c.appearance);
    }
    const cx = det.box[0] + det.box[2] / 2;
    const cy = det.box[1] + det.box[3] / 2;
    const dt = (nowMs - t.lastUpdateMs) / 1000;
    if (dt > 0 && t.lastSeenMs === t.lastUpdateMs) {
      const g = opts.velocityGain;
      t.vx = (1 - g) * t.vx + g * ((cx - t.cx) / dt);
      t.vy = (1 - g) * t.vy + g * ((cy - t.cy) / dt);
    }
    t.cx = cx;
    t.cy = cy;
    // Sizes change slowly; smoothing them steadies boxes for pose crops and rendering.
    t.w = t.hits > 0 ? 0.6 * det.box[2] + 0.4 * t.w : det.box[2];
    t.h = t.hits > 0 ? 0.6 * det.box[3] + 0.4 * t.h : det.box[3];
    t.box = toBox(t);
    t.score = det.score;
    t.hits++;
    if (t.hits >= opts.minHits) t.confirmed = true;
    t.lastSeenMs = nowMs;
    t.lastUpdateMs = nowMs;
    t.detection = index;
  }

  function assign(tracks: Track[], dets: Candidate[], nowMs: number, minSim: number) {
    const predicted = tracks.map((t) => predictBox(t, nowMs));
    const sim = tracks.map((t, i) => dets.map((d) => similarity(t, predicted[i] as Box, d, opts.appearanceWeight)));
    const pairs = matchBySimilarity(sim, minSim);
    for (const [ti, di] of pairs) correct(tracks[ti] as Track, dets[di] as Candidate, nowMs);
    return {
      unmatchedTracks: tracks.filter((_, i) => !pairs.some(([ti]) => ti === i)),
      unmatchedDets: dets.filter((_, i) => !pairs.some(([, di]) => di === i)),
    };
  }

  function update(detections: Detection[], tMs: number, appearances?: (Float32Array | null)[]): TrackState[] {
    for (const t of live) t.detection = -1;
    const indexed: Candidate[] = detections
      .map((det, index) => ({ det, index, appearance: appearances?.[index] ?? null }))
      .filter((d) => d.det.score >= opts.lowScore);
    const high = indexed.filter((d) => d.det.score >= opts.highScore);
    const low = indexed.filter((d) => d.det.score < opts.highScore);
    // Confirmed tracks get first pick so a new tentative track cannot steal their person.
    const confirmed = live.filter((t) => t.confirmed);
    const tentative = live.filter((t) => !t.confirmed);
    const first = assign(confirmed, high, tMs, 0.01);
    const second = assign(tentative, first.unmatchedDets, tMs, opts.minIou);
    assign(first.unmatchedTracks, low, tMs, opts.minIou);
    for (const d of second.unmatchedDets) {
      const b = d.det.box;
      const t: Track = {
        id: 0, box: b, score: d.det.score, hits: 0, confirmed: false, lastSeenMs: tMs, detection: -1,
        cx: b[0] + b[2] / 2, cy: b[1] + b[3] / 2, w: b[2], h: b[3], vx: 0, vy: 0, lastUpdateMs: tMs, appearance: null, holdUntilMs: -Infinity,
      };
      correct(t, d, tMs);
      live.push(t);
    }
    // Tentative tracks must be seen on consecutive frames; confirmed ones live maxAgeMs.
    live = live.filter((t) => (t.confirmed ? tMs - t.lastSeenMs <= opts.maxAgeMs : t.lastSeenMs === tMs));
    const reported: TrackState[] = [];
    for (const t of live) {
      if (!t.confirmed) continue;
      if (t.id === 0) t.id = nextId++;
      if (t.lastSeenMs === tMs) reported.push({ ...stateOf(t) });
      else if (tMs - t.lastSeenMs <= opts.coastMs || tMs <= t.holdUntilMs) reported.push({ ...stateOf(t), box: predictBox(t, tMs) });
    }
    return reported;
  }

  function stateOf(t: Track): TrackState {
    return { id: t.id, box: t.box, score: t.score, hits: t.hits, confirmed: t.confirmed, lastSeenMs: t.lastSeenMs, detection: t.detection };
  }

  function predict(tMs: number): TrackState[] {
    const lastSeen = live.reduce((m, t) => Math.max(m, t.lastSeenMs), -Infinity);
    return live
      .filter((t) => t.confirmed && t.id !== 0 && (t.lastSeenMs === lastSeen || tMs <= t.holdUntilMs))
      .map((t) => ({ ...stateOf(t), box: predictBox(t, tMs), detection: -1 }));
  }

  function refind(id: number, box: Box, score: number, tMs: number): TrackState | null {
    const t = live.find((x) => x.id === id && x.confirmed);
    if (!t) return null;
    moveTo(t, box, score, tMs);
    return stateOf(t);
  }

  function moveTo(t: Track, box: Box, score: number, tMs: number): void {
    t.cx = box[0] + box[2] / 2;
    t.cy = box[1] + box[3] / 2;
    t.w = box[2];
    t.h = box[3];
    t.box = toBox(t);
    t.vx = 0;
    t.vy = 0;
    t.score = score;
    t.lastSeenMs = tMs;
    t.lastUpdateMs = tMs;
    t.detection = -1;
  }

  function adopt(box: Box, score: number, tMs: number, holdMs: number): TrackState {
    let best: Track | null = null;
    let bestIou = opts.minIou;
    for (const t of live) {
      if (!t.confirmed || t.id === 0 || t.lastSeenMs === tMs) continue;
      const o = iou(predictBox(t, tMs), box);
      if (o >= bestIou) [best, bestIou] = [t, o];
    }
    const t: Track = best ?? {
      id: nextId++, box, score, hits: opts.minHits, confirmed: true, lastSeenMs: tMs, detection: -1,
      cx: 0, cy: 0, w: 0, h: 0, vx: 0, vy: 0, lastUpdateMs: tMs, appearance: null, holdUntilMs: -Infinity,
    };
    if (!best) live.push(t);
    moveTo(t, box, score, tMs);
    t.holdUntilMs = tMs + holdMs;
    return stateOf(t);
  }

  return { update, predict, refind, adopt, tracks: () => live.map(stateOf) };
}
