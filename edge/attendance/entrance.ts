/**
 * An entrance camera's attendance logic, independent of where frames come from:
 * - rate limit: at most `analysisFps` frames a second (by frame time) reach the face module;
 * - settling: a child's first sighting opens a short window (`settleMs`, default 1.5 s of
 *   frame time); the best recognition of that window becomes the one event, so a clear
 *   frame right after a blurred one gives a check-in rather than a proposal;
 * - de-duplication: after a check-in (needsConfirm false) nothing more for that child and
 *   direction within `dedupMs` (default 30 min); after a proposal (needsConfirm true) no
 *   further proposal for that child within `lingerMs` (default 10 s, a child lingering in
 *   view), but a confident check-in still goes through — a proposal may have been someone
 *   else's face, and must not hide the child's own arrival;
 * - a new face whose best match is a child already checked in, without being a confident
 *   match, is proposed as its best runner-up instead (one of the 3 best, ≥ the propose
 *   threshold), so another child's arrival does not vanish behind an earlier check-in; a
 *   face overlapping one seen in the last 2 s keeps that face's identity (a lingering child
 *   is not re-proposed as someone else);
 * - direction: `auto` = `in` before `outFrom` (edge local time), `out` from then on; or
 *   fixed `in` / `out` (an entrance with separate in and out doors).
 * Events are strict `AttendanceEvent`s: child id, time, direction, confidence — no image,
 * box or template.
 */
import { randomUUID } from 'node:crypto';
import { AttendanceEvent, SCHEMA_VERSION, type AttendanceDirection } from '../../protocol/index.ts';
import type { RgbImage } from './image.ts';
import type { FaceBox } from './face-models.ts';
import type { Candidate, Recognition } from './recognizer.ts';

export interface EntranceOptions {
  institutionId: string;
  edgeId: string;
  cameraId: string;
  recognise: (img: RgbImage) => Promise<Recognition[]>;
  publish: (ev: AttendanceEvent) => void;
  analysisFps?: number;
  settleMs?: number;
  dedupMs?: number;
  lingerMs?: number;
  direction?: 'auto' | 'in' | 'out';
  /** HH:MM, edge local time. */
  outFrom?: string;
  log?: (msg: string) => void;
}

/** How long a face box stays "the same face" for the next frames (frame time). */
const TRACK_MS = 2000;

function iou(a: FaceBox, b: FaceBox): number {
  const x1 = Math.max(a.x, b.x), y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width), y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

interface Pending {
  best: Candidate;
  firstAt: number;
  direction: AttendanceDirection;
}

export function directionAt(at: Date, mode: 'auto' | 'in' | 'out', outFrom: string): AttendanceDirection {
  if (mode !== 'auto') return mode;
  const [h, m] = outFrom.split(':').map(Number) as [number, number];
  return at.getHours() * 60 + at.getMinutes() < h * 60 + m ? 'in' : 'out';
}

export class EntranceCamera {
  private lastAnalysed = -Infinity;
  private pending = new Map<string, Pending>();
  /** Faces seen in the last TRACK_MS and the child each was reported as. */
  private recent: { box: FaceBox; childId: string; at: number }[] = [];
  /** `${childId}/${direction}` → time and kind of the last event. */
  private sent = new Map<string, { at: number; accepted: boolean }>();
  private readonly minGapMs: number;
  private readonly settleMs: number;
  private readonly dedupMs: number;
  private readonly lingerMs: number;
  readonly stats = { frames: 0, analysed: 0, recognitions: 0, events: 0, suppressed: 0 };

  constructor(private readonly opts: EntranceOptions) {
    this.minGapMs = 1000 / (opts.analysisFps ?? 2);
    this.settleMs = opts.settleMs ?? 1500;
    this.dedupMs = opts.dedupMs ?? 30 * 60_000;
    this.lingerMs = opts.lingerMs ?? 10_000;
  }

  /** Offers one frame taken at `at`; returns the events published because of it. */
  async onFrame(img: RgbImage, at: Date): Promise<AttendanceEvent[]> {
    this.stats.frames += 1;
    const t = at.getTime();
    const out = this.flush(t);
    // a small tolerance so frames at exactly the analysis rate are not skipped by rounding
    if (t - this.lastAnalysed < this.minGapMs - 5) return out;
    this.lastAnalysed = t;
    this.stats.analysed += 1;
    const found = await this.opts.recognise(img);
    const direction = directionAt(at, this.opts.direction ?? 'auto', this.opts.outFrom ?? '12:00');
    this.recent = this.recent.filter((f) => t - f.at <= TRACK_MS);
    const seen: { box: FaceBox; childId: string; at: number }[] = [];
    for (const r of found) {
      this.stats.recognitions += 1;
      // The same face as a moment ago (boxes overlap): it keeps the identity it was given,
      // so a child lingering after a check-in is not proposed as someone else.
      const near = this.recent.find((f) => iou(f.box, r.box) >= 0.3);
      const pool = near ? r.candidates.filter((c) => c.childId === near.childId) : r.candidates;
      const chosen = this.choose(pool, direction, t);
      if (near) seen.push({ box: r.box, childId: near.childId, at: t });
      if (!chosen) {
        this.stats.suppressed += 1;
        continue;
      }
      if (!near) seen.push({ box: r.box, childId: chosen.childId, at: t });
      const p = this.pending.get(chosen.childId);
      if (!p) this.pending.set(chosen.childId, { best: chosen, firstAt: t, direction });
      else if (chosen.similarity > p.best.similarity || (p.best.needsConfirm && !chosen.needsConfirm)) p.best = chosen;
    }
    this.recent.push(...seen);
    return [...out, ...this.flush(t)];
  }

  /**
   * The child a face is reported as: its best match unless that child was already checked
   * in (then the face is that child again when the match is confident, else the best
   * runner-up, as a proposal) or proposed a moment ago (a lingering face).
   */
  private choose(candidates: Candidate[], direction: AttendanceDirection, t: number): Candidate | null {
    for (const [i, c] of candidates.entries()) {
      const last = this.sent.get(`${c.childId}/${direction}`);
      if (last?.accepted && t - last.at < this.dedupMs) {
        if (i === 0 && !c.needsConfirm) return null;
        continue;
      }
      if (last && !last.accepted && c.needsConfirm && t - last.at < this.lingerMs) {
        if (i === 0) return null;
        continue;
      }
      return c;
    }
    return null;
  }

  /** Publishes every settled sighting (all of them with `force`, e.g. at shutdown). */
  flush(now: number, force = false): AttendanceEvent[] {
    const out: AttendanceEvent[] = [];
    for (const [childId, p] of this.pending) {
      if (!force && now - p.firstAt < this.settleMs) continue;
      this.pending.delete(childId);
      const ev = AttendanceEvent.parse({
        schema: SCHEMA_VERSION,
        institutionId: this.opts.institutionId,
        edgeId: this.opts.edgeId,
        id: `att-${randomUUID()}`,
        childId,
        direction: p.direction,
        at: new Date(p.firstAt).toISOString(),
        source: 'face',
        confidence: p.best.confidence,
        needsConfirm: p.best.needsConfirm,
        cameraId: this.opts.cameraId,
      });
      const key = `${childId}/${p.direction}`;
      const prev = this.sent.get(key);
      if (!(prev?.accepted && p.firstAt - prev.at < this.dedupMs)) this.sent.set(key, { at: p.firstAt, accepted: !p.best.needsConfirm });
      this.stats.events += 1;
      this.opts.publish(ev);
      out.push(ev);
    }
    return out;
  }

  /** Forgets a child (consent withdrawn): nothing pending is published for them. */
  forget(childIds: Iterable<string>): void {
    for (const id of childIds) this.pending.delete(id);
  }
}
