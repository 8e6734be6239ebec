/**
 * Tells live frames from stale ones. A live source's media clock runs with the wall
 * clock, so (wall time − media time) stays about constant during a capture attempt. When
 * the source dies, ffmpeg may still release a frame or two it held back (decoder and fps
 * filter buffers flush on each read timeout) seconds later; their lag jumps by the length
 * of the silence. Such frames must not count as proof that the camera is alive, or the
 * watchdog would be reset and the offline alarm delayed.
 */
export class FreshnessTracker {
  readonly #maxJumpMs: number;
  #baseline: number | null = null;

  constructor(maxJumpMs = 2000) {
    this.#maxJumpMs = maxJumpMs;
  }

  /** `mediaT` in seconds (frame.t), `wallMs` epoch ms of arrival. */
  isFresh(wallMs: number, mediaT: number): boolean {
    const lag = wallMs - mediaT * 1000;
    if (this.#baseline === null || lag < this.#baseline) {
      this.#baseline = lag;
      return true;
    }
    if (lag - this.#baseline > this.#maxJumpMs) return false;
    // Follow drift between the camera's clock and ours, and a decoder running slightly
    // slower than real time: at 5 fps a 10 % lag rate settles ~0.4 s above the baseline,
    // far from the jump that marks a stale frame (stale frames never move the baseline).
    this.#baseline += (lag - this.#baseline) * 0.05;
    return true;
  }
}
