/**
 * Health of one camera: online/offline by watchdog, rates per status period, reconnects
 * and stalls in the last hour, and the `camera_offline` / `camera_tamper` incidents.
 * Pure state over an injected clock; the agent calls it from the capture loop and a timer.
 */
import type { CameraState, CameraStatus, IncidentEvent } from '../../protocol/index.ts';
import type { IncidentLifecycle } from '../incident-lifecycle.ts';
import type { HealthConfig } from '../config/schema.ts';
import { SlidingCounter } from './sliding-window.ts';
import { TamperDetector, type TamperReason } from './tamper.ts';

const HOUR_MS = 3_600_000;

export interface CameraHealthOptions {
  cameraId: string;
  name?: string | undefined;
  expectedFps: number;
  health: HealthConfig;
  lifecycle: IncidentLifecycle;
  now: () => number;
}

const TAMPER_TEXT: Record<TamperReason, string> = {
  blacked_out: 'view is black (lens covered or camera blacked out)',
  covered: 'view is uniform (lens covered)',
  frozen: 'view is frozen (identical frames)',
  blurred: 'view is badly blurred compared with its usual sharpness',
};

export class CameraHealth {
  readonly #o: CameraHealthOptions;
  readonly #reconnects = new SlidingCounter(HOUR_MS);
  readonly #stalls = new SlidingCounter(HOUR_MS);
  readonly tamper: TamperDetector;
  #state: CameraState = 'starting';
  #reason: string | undefined;
  #lastFrameAt: number | null = null;
  /** Last frame, or creation: the offline watchdog measures from here. */
  #waitingSince: number;
  /** Start of the running capture attempt, null between attempts. */
  #attemptSince: number | null = null;
  #periodStart: number;
  #delivered = 0;
  #analysed = 0;
  #dropped = 0;

  constructor(o: CameraHealthOptions) {
    this.#o = o;
    this.tamper = new TamperDetector(o.health.tamper);
    this.#waitingSince = o.now();
    this.#periodStart = o.now();
  }

  get state(): CameraState {
    return this.#state;
  }

  get reason(): string | undefined {
    return this.#reason;
  }

  get #offlineKey(): string {
    return `${this.#o.cameraId}:camera_offline`;
  }

  get #tamperKey(): string {
    return `${this.#o.cameraId}:camera_tamper`;
  }

  /** A capture attempt is starting; every attempt after the first counts as a reconnect. */
  onConnect(attempt: number): void {
    if (attempt > 0) this.#reconnects.add(this.#o.now());
    this.#attemptSince = this.#o.now();
    this.tamper.resetContinuity();
  }

  /** ffmpeg ended or failed: keep its reason for the status and the incident. */
  onCaptureError(reason: string): void {
    this.#reason = reason;
    this.#attemptSince = null;
  }

  /** The capture attempt ended without an error (stopped or restarted by the watchdog). */
  onCaptureEnd(): void {
    this.#attemptSince = null;
  }

  /**
   * A frame was delivered by capture. A stale frame (see FreshnessTracker) is counted but
   * proves nothing about the camera being alive. Returns the events it causes.
   */
  onFrame(frame: { data: Uint8Array; width: number; height: number }, fresh = true): IncidentEvent[] {
    const now = this.#o.now();
    const events: IncidentEvent[] = [];
    this.#delivered += 1;
    if (!fresh) return events;
    this.#lastFrameAt = now;
    this.#waitingSince = now;
    this.#attemptSince = now;
    if (this.#state !== 'online') {
      this.#state = 'online';
      this.#reason = undefined;
      const lc = this.#o.lifecycle;
      if (lc.isOpen(this.#offlineKey)) {
        events.push(lc.resolve(this.#offlineKey, { message: 'frames are arriving again' }));
      }
    }
    const t = this.tamper.onFrame(frame.data, frame.width, frame.height, now);
    if (t) events.push(...this.#tamperEvent(t.type, t.reason, t.stats));
    return events;
  }

  #tamperEvent(type: 'open' | 'change' | 'clear', reason: TamperReason | null, stats: { mean: number; std: number; lapVar: number }): IncidentEvent[] {
    const lc = this.#o.lifecycle;
    const key = this.#tamperKey;
    const detail = `mean ${stats.mean.toFixed(1)}, std ${stats.std.toFixed(1)}, sharpness ${stats.lapVar.toFixed(1)}`;
    if (type === 'clear') {
      return lc.isOpen(key) ? [lc.resolve(key, { message: 'view is normal again' })] : [];
    }
    const r = reason!;
    const fields = {
      severity: r === 'blacked_out' || r === 'covered' ? ('critical' as const) : ('warning' as const),
      evidence: { reason: `${r}: ${detail}`, tamper: r },
      message: TAMPER_TEXT[r],
    };
    if (lc.isOpen(key)) return [lc.update(key, fields)];
    return [lc.open(key, { kind: 'camera_tamper', cameraId: this.#o.cameraId, zoneId: null, ...fields })];
  }

  /** A frame went through analysis (vision and rules, or health only without vision). */
  onAnalysed(): void {
    this.#analysed += 1;
  }

  onDropped(n: number): void {
    this.#dropped += n;
  }

  /**
   * Watchdog, called on a timer. `stalled`: the running capture attempt has delivered no
   * frame for the offline limit and should be restarted (counted as a stall). The camera
   * turns offline when no frame arrived for that long, across attempts.
   */
  check(): { stalled: boolean; events: IncidentEvent[] } {
    const now = this.#o.now();
    const limitMs = this.#o.health.offlineAfterSeconds * 1000;
    const events: IncidentEvent[] = [];
    const stalled = this.#attemptSince !== null && now - this.#attemptSince >= limitMs;
    if (stalled) {
      this.#stalls.add(now);
      this.#attemptSince = null;
    }
    if (now - this.#waitingSince < limitMs) return { stalled, events };
    const lc = this.#o.lifecycle;
    if (this.#state !== 'offline') {
      this.#state = 'offline';
      this.#reason ??= `no frames for ${this.#o.health.offlineAfterSeconds} s`;
      if (!lc.isOpen(this.#offlineKey)) {
        events.push(
          lc.open(this.#offlineKey, {
            kind: 'camera_offline',
            severity: 'warning',
            cameraId: this.#o.cameraId,
            zoneId: null,
            evidence: { reason: this.#reason.slice(0, 500) },
            message: 'camera is offline',
          }),
        );
      }
    }
    return { stalled, events };
  }

  /** Rates since the previous call; the status loop calls this once per period. */
  status(): CameraStatus {
    const now = this.#o.now();
    const secs = Math.max(0.001, (now - this.#periodStart) / 1000);
    const s: CameraStatus = {
      id: this.#o.cameraId,
      ...(this.#o.name !== undefined ? { name: this.#o.name } : {}),
      state: this.#state,
      expectedFps: this.#o.expectedFps,
      deliveredFps: round2(this.#delivered / secs),
      analysedFps: round2(this.#analysed / secs),
      droppedFrames: this.#dropped,
      reconnectsLastHour: this.#reconnects.count(now),
      stallsLastHour: this.#stalls.count(now),
      lastFrameAt: this.#lastFrameAt === null ? null : new Date(this.#lastFrameAt).toISOString(),
      ...(this.#reason !== undefined && this.#state !== 'online' ? { reason: this.#reason.slice(0, 500) } : {}),
    };
    this.#periodStart = now;
    this.#delivered = 0;
    this.#analysed = 0;
    this.#dropped = 0;
    return s;
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
