/**
 * Encodes RGB24 frames to an H.264 mp4 through an ffmpeg child process, with pipe
 * back-pressure so a slow encoder slows the writer instead of buffering frames.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolveFfmpegPath, stopFfmpeg } from '../capture/index.ts';

export interface VideoEncoder {
  write(data: Uint8Array): Promise<void>;
  /** Flushes and waits for ffmpeg; rejects with its last stderr lines when it fails. */
  finish(): Promise<void>;
  abort(): Promise<void>;
}

export function createVideoEncoder(out: string, width: number, height: number, fps: number, ffmpegPath = resolveFfmpegPath()): VideoEncoder {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', out,
  ];
  const proc = spawn(ffmpegPath, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  proc.stderr?.on('data', (b: Buffer) => {
    stderr.push(...b.toString().split('\n').filter(Boolean));
    stderr.splice(0, Math.max(0, stderr.length - 12));
  });
  const exited = once(proc, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let writeError: Error | null = null;
  proc.stdin?.on('error', (err) => {
    writeError = err;
  });

  return {
    async write(data) {
      if (writeError) throw new Error(`render encoder: ${writeError.message}: ${stderr.join(' | ')}`);
      if (!proc.stdin?.write(data)) await Promise.race([once(proc.stdin!, 'drain'), exited]);
    },
    async finish() {
      proc.stdin?.end();
      const [code] = await exited;
      if (code !== 0) throw new Error(`render encoder exited with ${code}: ${stderr.join(' | ')}`);
    },
    async abort() {
      proc.stdin?.destroy();
      await stopFfmpeg(proc);
    },
  };
}
