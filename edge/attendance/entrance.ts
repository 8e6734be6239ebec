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
 * - direction: `auto` = `in` before `outFrom` (edge local time), `out` from then on; or
 *   fixed `in` / `out` (an entrance with separate in and out doors).
 * Events are strict `AttendanceEvent`s: child id, time, direction, confidence — no image,
 * box or template.
 */
import { randomUUID } from 'node:crypto';
import { AttendanceEvent, SCHEMA_VERSION, type AttendanceDirection } from '../../protocol/index.ts';
import type { RgbImage } from './image.ts';
import type { Recognition } from './recognizer.ts';

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

interface Pending {
  best: Recognition;
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
    for (const r of found) {
      this.stats.recognitions += 1;
      const last = this.sent.get(`${r.childId}/${direction}`);
      const blocked = last !== undefined && (last.accepted ? t - last.at < this.dedupMs : r.needsConfirm && t - last.at < this.lingerMs);
      if (blocked) {
        this.stats.suppressed += 1;
        continue;
      }
      const p = this.pending.get(r.childId);
      if (!p) this.pending.set(r.childId, { best: r, firstAt: t, direction });
      else if (r.similarity > p.best.similarity || (p.best.needsConfirm && !r.needsConfirm)) p.best = r;
    }
    return [...out, ...this.flush(t)];
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
