/**
 * Frames from ffmpeg as an async iterator, in two modes:
 * - live (`realtime: true`): ffmpeg is read as fast as it produces; a frame that arrives
 *   while the consumer is still busy with the previous one replaces the waiting frame and
 *   is counted as dropped. Memory stays at one waiting frame whatever the consumer does.
 * - offline (`realtime: false`): back-pressure through the pipe; every frame is delivered,
 *   `index`/`t` are the source frame index and media time.
 * ffmpeg is torn down in `finally` however the loop ends (break, throw, abort, EOF).
 */
import type { RgbFrame } from '../types.ts';
import { FrameAssembler } from './frame-assembler.ts';
import { resolveFfmpegPath } from './ffmpeg-path.ts';
import { isRtsp, lastError, startDecode, stopFfmpeg, type Crop, type StreamHeader } from './ffmpeg-command.ts';

export interface ReadFramesOptions {
  /** `rtsp://…` or a local file. */
  source: string;
  width?: number;
  height?: number;
  /** Output rate (fps filter). Live mode default: the source rate. */
  fps?: number;
  /** Offline: keep every Nth source frame instead of resampling with `fps`. */
  every?: number;
  crop?: Crop;
  transport?: 'tcp' | 'udp';
  /** Default true. false = offline analysis: no drops, no `-re`, no loop. */
  realtime?: boolean;
  /** Loop a file forever; default: true for realtime files, never for offline. */
  loop?: boolean;
  ffmpegPath?: string;
  signal?: AbortSignal;
  /** Counters the caller can read while iterating. */
  stats?: CaptureStats;
  /** Called once the output stream header is known. */
  onHeader?: (h: StreamHeader) => void;
}

export interface CaptureStats {
  delivered: number;
  dropped: number;
}

export class CaptureError extends Error {
  readonly stderrTail: string[];
  readonly exitCode: number | null;
  constructor(message: string, stderrTail: string[], exitCode: number | null) {
    super(message);
    this.name = 'CaptureError';
    this.stderrTail = stderrTail;
    this.exitCode = exitCode;
  }
}

export function createCaptureStats(): CaptureStats {
  return { delivered: 0, dropped: 0 };
}

function timing(opts: ReadFramesOptions, header: StreamHeader, k: number): { index: number; t: number } {
  const src = header.sourceFps && header.sourceFps > 0 ? header.sourceFps : null;
  if (opts.fps !== undefined) {
    const t = k / opts.fps;
    return { index: src ? Math.round(t * src) : k, t };
  }
  const every = opts.every !== undefined && opts.every > 1 ? opts.every : 1;
  const index = k * every;
  return { index, t: src ? index / src : index };
}

/** ffmpeg may end "cleanly" after read errors (a live source timing out): keep that line. */
function errorLine(tail: readonly string[]): string {
  const line = tail.findLast((l) => /error|timed? ?out|refused|failed/i.test(l));
  return line ? `: ${line.trim()}` : '';
}

export async function* readFrames(opts: ReadFramesOptions): AsyncGenerator<RgbFrame, void, undefined> {
  const realtime = opts.realtime ?? true;
  const file = !isRtsp(opts.source);
  const decode = startDecode({
    source: opts.source,
    ffmpegPath: opts.ffmpegPath ?? resolveFfmpegPath(),
    width: opts.width,
    height: opts.height,
    fps: opts.fps,
    every: realtime ? undefined : opts.every,
    crop: opts.crop,
    transport: opts.transport,
    realtime: realtime && file,
    loop: realtime && file && (opts.loop ?? true),
  });
  const stats = opts.stats ?? createCaptureStats();
  const queue: RgbFrame[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    notify();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  let assembler: FrameAssembler | null = null;
  let header: StreamHeader | null = null;
  let k = 0;
  const held: Buffer[] = [];
  const emit = (data: Uint8Array) => {
    const { index, t } = timing(opts, header!, k++);
    const frame: RgbFrame = { data, width: header!.width, height: header!.height, index, t, at: Date.now() };
    if (realtime && queue.length > 0) {
      stats.dropped += queue.length;
      queue.length = 0;
    }
    queue.push(frame);
  };
  const onData = (chunk: Buffer) => {
    if (!assembler) {
      // Frame size not known yet (size taken from the stream): hold bytes until it is.
      held.push(chunk);
      return;
    }
    for (const data of assembler.push(chunk)) emit(data);
    if (!realtime && queue.length > 0) decode.stdout.pause();
    notify();
  };
  const known = opts.width !== undefined && opts.height !== undefined && opts.crop === undefined;
  decode.header.then(
    (h) => {
      header = known ? { ...h, width: opts.width!, height: opts.height! } : h;
      assembler = new FrameAssembler(header.width, header.height);
      opts.onHeader?.(header);
      const early = held.splice(0);
      for (const chunk of early) onData(chunk);
    },
    (err: Error) => {
      failure ??= err;
      notify();
    },
  );
  decode.stdout.onChunk = onData;
  decode.stdout.on('finish', () => {
    ended = true;
    notify();
  });
  decode.stdout.on('error', (err) => {
    failure ??= err;
    notify();
  });
  try {
    while (true) {
      if (aborted) return;
      const next = queue.shift();
      if (next) {
        stats.delivered += 1;
        if (!realtime && queue.length === 0) decode.stdout.resume();
        yield next;
        continue;
      }
      if (failure || ended) {
        if (aborted) return;
        // `end` follows the last data event, so the queue already holds every frame.
        const exit = await decode.exited;
        const tail = decode.stderrTail();
        const cleanEnd = !failure && exit.code === 0;
        const endless = realtime && (!file || (opts.loop ?? true));
        if (cleanEnd && !endless) return;
        const reason = cleanEnd
          ? `stream ended${errorLine(tail)}`
          : (lastError(tail) ?? (failure as Error | null)?.message ?? `ffmpeg exited with code ${exit.code ?? exit.signal}`);
        throw new CaptureError(reason, tail, exit.code);
      }
      if (!realtime) decode.stdout.resume();
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    decode.stdout.onChunk = null;
    const proc = await decode.started.catch(() => null);
    if (proc) await stopFfmpeg(proc);
    decode.stdout.resume();
  }
}
