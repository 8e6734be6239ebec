/**
 * The Writable that ffmpeg's stdout is piped into. Chunks go straight to one handler (no
 * readable-side buffering, as a PassThrough would add); `pause()` holds the write callback,
 * so the pipe stops reading ffmpeg and the OS pipe fills: ffmpeg blocks, nothing is lost
 * and memory stays bounded (offline mode). Never destroyed on finish, because
 * fluent-ffmpeg kills ffmpeg when its output stream closes.
 */
import { Writable } from 'node:stream';

export class FrameSink extends Writable {
  #onChunk: ((chunk: Buffer) => void) | null = null;
  #paused = false;
  #held: (() => void) | null = null;

  constructor() {
    super({ highWaterMark: 1, autoDestroy: false, emitClose: false });
  }

  set onChunk(fn: ((chunk: Buffer) => void) | null) {
    this.#onChunk = fn;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    const cb = this.#held;
    this.#held = null;
    cb?.();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#onChunk?.(chunk);
    if (this.#paused) this.#held = cb;
    else cb();
  }
}
