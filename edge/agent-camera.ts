/**
 * One camera's loop: capture → health → (vision → rules) → events, reconnecting with
 * backoff after any failure. The watchdog in the agent aborts an attempt that stalls.
 */
import type { IncidentEvent } from '../protocol/index.ts';
import { CaptureError, createCaptureStats, type CaptureStats } from './capture/index.ts';
import type { CameraConfig, HealthConfig } from './config/schema.ts';
import { CameraHealth } from './health/camera-health.ts';
import { createBackoff } from './health/backoff.ts';
import { FreshnessTracker } from './health/freshness.ts';
import type { IncidentLifecycle } from './incident-lifecycle.ts';
import type { FrameAnalysis, RgbFrame, RuleEngine, VisionPipeline } from './types.ts';
import { PeopleSeen } from './attendance/people-seen.ts';

/** Opens frames of one camera; the agent's default runs ffmpeg through `readFrames`. */
export type CaptureFactory = (camera: CameraConfig, signal: AbortSignal, stats: CaptureStats) => AsyncIterable<RgbFrame>;

export interface CameraEventContext {
  frame: RgbFrame | null;
  analysis: FrameAnalysis | null;
}

export interface CameraRunnerDeps {
  camera: CameraConfig;
  health: HealthConfig;
  lifecycle: IncidentLifecycle;
  capture: CaptureFactory;
  now: () => number;
  vision?: VisionPipeline | undefined;
  rules?: RuleEngine | undefined;
  emit: (events: IncidentEvent[], ctx: CameraEventContext) => void;
  /** Instead of vision and rules: every frame goes here (an entrance camera's face attendance). */
  frameHook?: ((frame: RgbFrame) => Promise<void>) | undefined;
  log: (msg: string) => void;
  random?: () => number;
}

export class CameraRunner {
  readonly health: CameraHealth;
  readonly #d: CameraRunnerDeps;
  #stopped = false;
  #attempt: AbortController | null = null;
  #sleep: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  #done: Promise<void> | null = null;
  lastFrame: RgbFrame | null = null;
  /** Most people seen at once today (vision cameras only): `CameraStatus.peopleSeen`. */
  readonly peopleSeen = new PeopleSeen();
  /** The last analysed frame with its analysis: snapshots of tick events must match. */
  lastAnalysed: { frame: RgbFrame; analysis: FrameAnalysis } | null = null;

  constructor(d: CameraRunnerDeps) {
    this.#d = d;
    this.health = new CameraHealth({
      cameraId: d.camera.id,
      name: d.camera.name,
      expectedFps: d.camera.fps,
      health: d.health,
      lifecycle: d.lifecycle,
      now: d.now,
    });
  }

  get id(): string {
    return this.#d.camera.id;
  }

  start(): void {
    this.#done ??= this.#loop();
  }

  /** Watchdog tick: may open `camera_offline` and restart a stalled capture. */
  watch(): void {
    const { stalled, events } = this.health.check();
    if (events.length > 0) this.#d.emit(events, { frame: null, analysis: null });
    if (stalled) {
      this.#d.log(`camera ${this.id}: no frames for ${this.#d.health.offlineAfterSeconds} s, restarting capture`);
      this.#attempt?.abort();
    }
  }

  /** Periodic rule evaluation without frames (a still child makes no motion). */
  tick(nowMs: number): void {
    if (!this.#d.rules) return;
    const events = this.#d.rules.tick(nowMs);
    if (events.length === 0) return;
    const a = this.lastAnalysed;
    this.#d.emit(events, a ? { frame: a.frame, analysis: a.analysis } : { frame: this.lastFrame, analysis: null });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#attempt?.abort();
    if (this.#sleep) {
      clearTimeout(this.#sleep.timer);
      this.#sleep.resolve();
    }
    await this.#done;
  }

  async #loop(): Promise<void> {
    const d = this.#d;
    const backoff = createBackoff({
      initialMs: d.health.backoffInitialSeconds * 1000,
      maxMs: d.health.backoffMaxSeconds * 1000,
      ...(d.random ? { random: d.random } : {}),
    });
    let attempt = 0;
    while (!this.#stopped) {
      const ac = new AbortController();
      this.#attempt = ac;
      const stats = createCaptureStats();
      let dropped = 0;
      let first = true;
      const freshness = new FreshnessTracker();
      this.health.onConnect(attempt++);
      try {
        for await (const frame of d.capture(d.camera, ac.signal, stats)) {
          if (first) {
            backoff.reset();
            first = false;
          }
          if (stats.dropped > dropped) {
            this.health.onDropped(stats.dropped - dropped);
            dropped = stats.dropped;
          }
          this.lastFrame = frame;
          const healthEvents = this.health.onFrame(frame, freshness.isFresh(frame.at, frame.t));
          if (healthEvents.length > 0) d.emit(healthEvents, { frame, analysis: null });
          if (await this.#analyse(frame)) this.health.onAnalysed();
          if (this.#stopped) break;
        }
        this.health.onCaptureEnd();
      } catch (err) {
        const reason = err instanceof CaptureError ? err.message : `capture failed: ${(err as Error).message}`;
        this.health.onCaptureError(reason);
        d.log(`camera ${this.id}: ${reason}`);
      } finally {
        this.#attempt = null;
      }
      if (this.#stopped) break;
      await this.#wait(backoff.next());
    }
  }

  /** Whether the frame went through analysis (false: left out between calm frames by burst analysis). */
  async #analyse(frame: RgbFrame): Promise<boolean> {
    const d = this.#d;
    if (d.frameHook) {
      try {
        await d.frameHook(frame);
      } catch (err) {
        d.log(`camera ${this.id}: attendance failed on frame ${frame.index}: ${(err as Error).message}`);
      }
      return true;
    }
    if (!d.vision) return true;
    try {
      const analysis = await d.vision.analyse(d.camera.id, frame);
      // Left out between calm frames (burst analysis): the rules wait for the next one.
      if (!analysis) return false;
      this.lastAnalysed = { frame, analysis };
      this.peopleSeen.observe(analysis.persons.length, frame.at);
      if (d.rules) {
        const events = d.rules.onFrame(analysis);
        if (events.length > 0) d.emit(events, { frame, analysis });
      }
    } catch (err) {
      // One bad frame must not stop the camera; the failure is logged and the loop goes on.
      d.log(`camera ${this.id}: analysis failed on frame ${frame.index}: ${(err as Error).message}`);
    }
    return true;
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleep = null;
        resolve();
      }, ms);
      this.#sleep = { timer, resolve };
    });
  }
}
