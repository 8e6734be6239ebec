/**
 * Cuts ffmpeg's rawvideo byte stream into whole frames. Chunk boundaries never line up
 * with frames, so bytes are copied into a frame-sized buffer until it is full.
 */
export class FrameAssembler {
  readonly frameBytes: number;
  #buf: Uint8Array;
  #fill = 0;

  constructor(width: number, height: number, channels = 3) {
    if (!(width > 0 && height > 0)) throw new Error(`invalid frame size ${width}x${height}`);
    this.frameBytes = width * height * channels;
    this.#buf = FrameAssembler.#alloc(this.frameBytes);
  }

  /** Every byte is overwritten before a frame is handed out, so skip the zero fill. */
  static #alloc(n: number): Uint8Array {
    return Buffer.allocUnsafeSlow(n);
  }

  /** Bytes of an incomplete frame held back. */
  get pending(): number {
    return this.#fill;
  }

  /** Feeds one chunk; returns the frames it completed, oldest first. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(this.frameBytes - this.#fill, chunk.length - off);
      this.#buf.set(chunk.subarray(off, off + n), this.#fill);
      this.#fill += n;
      off += n;
      if (this.#fill === this.frameBytes) {
        out.push(this.#buf);
        this.#buf = FrameAssembler.#alloc(this.frameBytes);
        this.#fill = 0;
      }
    }
    return out;
  }
}
