/**
 * Builds and runs one ffmpeg decode with fluent-ffmpeg: source (RTSP or file) → optional
 * crop → frame-rate reduction → scale → packed RGB24 on stdout. Keeps the tail of stderr
 * as the failure reason and reads the stream header (source fps, output size) from it.
 */
import type { ChildProcess } from 'node:child_process';
import ffmpeg from 'fluent-ffmpeg';
import { FrameSink } from './frame-sink.ts';

export interface Crop {
  width: number;
  height: number;
  x: number;
  y: number;
}

export interface DecodeSpec {
  source: string;
  ffmpegPath: string;
  /** Output size; when omitted, the (cropped) source size. */
  width?: number | undefined;
  height?: number | undefined;
  /** Resample to this rate (fps filter). */
  fps?: number | undefined;
  /** Keep every Nth source frame (select filter); ignored when `fps` is set. */
  every?: number | undefined;
  crop?: Crop | undefined;
  /** RTSP lower transport; default tcp. */
  transport?: 'tcp' | 'udp' | undefined;
  /** Play a file at its own rate (`-re`), as a camera would deliver it. */
  realtime: boolean;
  /** Loop a file forever (demo footage). */
  loop: boolean;
}

export interface StreamHeader {
  sourceFps: number | null;
  width: number;
  height: number;
}

const TAIL_LINES = 12;

export function isRtsp(source: string): boolean {
  return /^rtsps?:\/\//i.test(source);
}

export function buildFilters(spec: DecodeSpec): string[] {
  const filters: string[] = [];
  if (spec.crop) {
    const c = spec.crop;
    filters.push(`crop=${c.width}:${c.height}:${c.x}:${c.y}`);
  }
  if (spec.fps !== undefined) filters.push(`fps=${spec.fps}`);
  else if (spec.every !== undefined && spec.every > 1) filters.push(`select=not(mod(n\\,${spec.every}))`);
  if (spec.width !== undefined && spec.height !== undefined) {
    filters.push(`scale=${spec.width}:${spec.height}:flags=bilinear`);
  }
  return filters;
}

export function inputOptions(spec: DecodeSpec): string[] {
  const opts = ['-hide_banner', '-nostats'];
  if (isRtsp(spec.source)) {
    opts.push('-rtsp_transport', spec.transport ?? 'tcp');
    // Socket I/O timeout (µs) so a dead server ends ffmpeg instead of hanging it.
    opts.push('-timeout', '5000000');
  } else {
    if (spec.realtime) opts.push('-re');
    if (spec.loop) opts.push('-stream_loop', '-1');
  }
  return opts;
}

/** Parses the `Input` and `Output` stream lines ffmpeg prints before the first frame. */
export class HeaderParser {
  #section: 'none' | 'input' | 'output' = 'none';
  sourceFps: number | null = null;
  outWidth: number | null = null;
  outHeight: number | null = null;

  line(line: string): void {
    if (/^Input #0/.test(line)) this.#section = 'input';
    else if (/^Output #0/.test(line)) this.#section = 'output';
    const m = /Stream #\d+:\d+.*: Video: (.*)$/.exec(line);
    if (!m) return;
    const details = m[1]!;
    if (this.#section === 'input' && this.sourceFps === null) {
      const fps = /([\d.]+)(k?) fps/.exec(details) ?? /([\d.]+)(k?) tbr/.exec(details);
      if (fps) this.sourceFps = Number(fps[1]) * (fps[2] ? 1000 : 1);
    } else if (this.#section === 'output' && this.outWidth === null) {
      const size = /, (\d{1,5})x(\d{1,5})[,\s]/.exec(details);
      if (size) {
        this.outWidth = Number(size[1]);
        this.outHeight = Number(size[2]);
      }
    }
  }

  header(): StreamHeader | null {
    if (this.outWidth === null || this.outHeight === null) return null;
    return { sourceFps: this.sourceFps, width: this.outWidth, height: this.outHeight };
  }
}

export interface RunningDecode {
  /** Raw RGB24 bytes; `pause()` stops reading ffmpeg (pipe back-pressure). */
  stdout: FrameSink;
  /** Resolves once ffmpeg has been spawned. */
  started: Promise<ChildProcess>;
  /** Resolves when ffmpeg has exited and its stderr is read: exit code (null when killed by a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves as soon as the output stream's size is known. */
  header: Promise<StreamHeader>;
  stderrTail(): string[];
}

export function startDecode(spec: DecodeSpec): RunningDecode {
  const tail: string[] = [];
  const parser = new HeaderParser();
  let resolveHeader!: (h: StreamHeader) => void;
  let rejectHeader!: (e: Error) => void;
  const header = new Promise<StreamHeader>((res, rej) => {
    resolveHeader = res;
    rejectHeader = rej;
  });
  // The header promise may legitimately never be awaited (fixed-size callers).
  header.catch(() => undefined);
  let resolveStart!: (p: ChildProcess) => void;
  let rejectStart!: (e: Error) => void;
  const started = new Promise<ChildProcess>((res, rej) => {
    resolveStart = res;
    rejectStart = rej;
  });
  started.catch(() => undefined);
  let resolveExit!: (v: { code: number | null; signal: NodeJS.Signals | null }) => void;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    resolveExit = res;
  });

  const filters = buildFilters(spec);
  const command = ffmpeg({ stdoutLines: TAIL_LINES })
    .setFfmpegPath(spec.ffmpegPath)
    .input(spec.source)
    .inputOptions(inputOptions(spec))
    .noAudio()
    .outputOptions(['-map', '0:v:0', '-pix_fmt', 'rgb24', '-f', 'rawvideo']);
  if (filters.length > 0) command.videoFilters(filters);
  if (spec.fps === undefined && spec.every !== undefined && spec.every > 1) {
    command.outputOptions(['-fps_mode', 'passthrough']);
  }

  let gotHeader = false;
  command.on('stderr', (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    if (!gotHeader) {
      parser.line(line);
      const h = parser.header();
      if (h) {
        gotHeader = true;
        resolveHeader(h);
      }
    }
  });
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
  let child: ChildProcess | null = null;
  const finish = (fallback: Error | null) => {
    if (!gotHeader) rejectHeader(new Error(lastError(tail) ?? fallback?.message ?? 'ffmpeg ended before any output'));
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
      if (proc) exitInfo = { code: proc.exitCode, signal: proc.signalCode };
      resolveExit(exitInfo);
      return;
    }
    // fluent-ffmpeg reported an error (e.g. a stream problem) while ffmpeg still runs:
    // the decode is over only when the process is.
    proc.once('exit', (code, signal) => resolveExit({ code, signal }));
  };
  command.on('start', () => {
    const proc = (command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
    if (!proc) {
      rejectStart(new Error('ffmpeg did not start'));
      return;
    }
    // ffmpeg may exit before reading our `q`; a write to its closed stdin is expected then.
    proc.stdin?.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'EOF') tail.push(`stdin: ${err.message}`);
    });
    child = proc;
    resolveStart(proc);
  });
  // fluent-ffmpeg fires `end`/`error` only after the process exited and stderr closed, so
  // the stderr tail is complete by then: that is when the decode counts as finished.
  command.on('end', () => finish(null));
  command.on('error', (err: Error) => {
    rejectStart(err);
    if (exitInfo.code === null && exitInfo.signal === null && /Cannot find ffmpeg|spawn|ENOENT/i.test(err.message)) {
      exitInfo = { code: -1, signal: null };
      tail.push(err.message);
    }
    finish(err);
  });
  const stdout = new FrameSink();
  command.pipe(stdout, { end: true });
  return {
    stdout,
    started,
    exited,
    header,
    stderrTail: () => [...tail],
  };
}

/** The most telling stderr line: the last one that looks like an error, else the last one. */
export function lastError(tail: readonly string[]): string | null {
  for (let i = tail.length - 1; i >= 0; i--) {
    const line = tail[i]!;
    if (/error|failed|invalid|refused|not found|no such|unauthorized|timed? ?out|unable|could not/i.test(line)) {
      return line.trim();
    }
  }
  const last = tail.at(-1);
  return last ? last.trim() : null;
}

function waitExit(proc: ChildProcess, ms: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      proc.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    proc.once('exit', onExit);
  });
}

export interface StopTimeouts {
  quitMs?: number;
  termMs?: number;
}

/**
 * Ends ffmpeg for sure: `q` on stdin lets it close its outputs cleanly, SIGTERM if it
 * ignores that (blocked on a dead socket), SIGKILL as the last resort.
 */
export async function stopFfmpeg(proc: ChildProcess, t: StopTimeouts = {}): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  if (proc.stdin && proc.stdin.writable) proc.stdin.end('q');
  if (await waitExit(proc, t.quitMs ?? 1000)) return;
  proc.kill('SIGTERM');
  if (await waitExit(proc, t.termMs ?? 2000)) return;
  proc.kill('SIGKILL');
  await waitExit(proc, 5000);
}
