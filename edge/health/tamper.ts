/**
 * Detects a covered, blacked-out, frozen or badly blurred view from cheap image statistics,
 * with hysteresis in time: a condition must hold `onSeconds` before it is reported and be
 * gone `offSeconds` before it clears, so one dark frame or a passing shadow never opens an
 * incident.
 *
 * Frozen needs BOTH a zero grey difference AND byte-identical decoded frames for
 * `frozenSeconds`. A genuinely still room still carries sensor noise, so its decoded frames
 * differ by a few levels somewhere; a stuck encoder or a looped still image repeats the
 * exact bytes. The trade-off: a heavily compressed stream of a perfectly still, noise-free
 * scene can also repeat exact frames and read as frozen; a long `frozenSeconds` keeps that
 * rare, and a frozen view that carries injected noise is not detected.
 *
 * Blur compares the Laplacian variance with the camera's own learned baseline (median of
 * its first frames, then a slow moving average while the view is healthy), because the
 * sharpness of a good view varies a lot between scenes.
 */
import type { TamperConfig } from '../config/schema.ts';
import { imageStats, toGrey, type ImageStats } from './image-stats.ts';

export type TamperReason = 'blacked_out' | 'covered' | 'frozen' | 'blurred';

export interface TamperTransition {
  type: 'open' | 'change' | 'clear';
  reason: TamperReason | null;
  stats: ImageStats;
}

export class TamperDetector {
  readonly #cfg: TamperConfig;
  #prevGrey: Float32Array | null = null;
  #prevData: Uint8Array | null = null;
  #sameSince: number | null = null;
  #baselineSamples: number[] = [];
  #baseline: number | null = null;
  /** Condition seen now, and since when. */
  #candidate: TamperReason | null = null;
  #candidateSince = 0;
  /** Condition reported (incident open), and since when it has been absent. */
  #active: TamperReason | null = null;
  #clearSince: number | null = null;
  last: ImageStats | null = null;

  constructor(cfg: TamperConfig) {
    this.#cfg = cfg;
  }

  get active(): TamperReason | null {
    return this.#active;
  }

  get baseline(): number | null {
    return this.#baseline;
  }

  /** Restart learning after a reconnect: the stream may now be another view. */
  resetContinuity(): void {
    this.#prevGrey = null;
    this.#prevData = null;
    this.#sameSince = null;
  }

  #classify(s: ImageStats, identical: boolean, nowMs: number): TamperReason | null {
    const c = this.#cfg;
    if (s.std <= c.uniformMaxStd) return s.mean <= c.darkMaxMean ? 'blacked_out' : 'covered';
    if (identical && s.diff === 0) {
      this.#sameSince ??= nowMs;
      if (nowMs - this.#sameSince >= c.frozenSeconds * 1000) return 'frozen';
    } else {
      this.#sameSince = null;
    }
    if (this.#baseline !== null && s.lapVar < this.#baseline * c.blurRatio) return 'blurred';
    return null;
  }

  #learn(s: ImageStats): void {
    if (this.#baseline === null) {
      this.#baselineSamples.push(s.lapVar);
      if (this.#baselineSamples.length >= this.#cfg.baselineFrames) {
        const sorted = [...this.#baselineSamples].sort((a, b) => a - b);
        this.#baseline = sorted[Math.floor(sorted.length / 2)]!;
        this.#baselineSamples = [];
      }
    } else {
      this.#baseline = this.#baseline * 0.99 + s.lapVar * 0.01;
    }
  }

  onFrame(data: Uint8Array, width: number, height: number, nowMs: number): TamperTransition | null {
    const grey = toGrey(data, width, height);
    const s = imageStats(grey, this.#prevGrey);
    const prevData = this.#prevData;
    const identical = prevData !== null && Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(
      Buffer.from(prevData.buffer, prevData.byteOffset, prevData.byteLength),
    );
    this.#prevGrey = grey;
    this.#prevData = data;
    this.last = s;
    if (!this.#cfg.enabled) return null;

    const now = this.#classify(s, identical, nowMs);
    if (now === null && this.#active === null) this.#learn(s);
    if (now !== this.#candidate) {
      this.#candidate = now;
      this.#candidateSince = nowMs;
    }
    const heldMs = nowMs - this.#candidateSince;
    if (now !== null) {
      this.#clearSince = null;
      if (now !== this.#active && heldMs >= this.#cfg.onSeconds * 1000) {
        const type = this.#active === null ? 'open' : 'change';
        this.#active = now;
        return { type, reason: now, stats: s };
      }
      return null;
    }
    if (this.#active !== null) {
      this.#clearSince ??= nowMs;
      if (nowMs - this.#clearSince >= this.#cfg.offSeconds * 1000) {
        this.#active = null;
        this.#clearSince = null;
        return { type: 'clear', reason: null, stats: s };
      }
    }
    return null;
  }
}
