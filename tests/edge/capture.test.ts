import { describe, expect, it } from 'vitest';
import { CaptureError, createCaptureStats, readFrames } from '../../edge/capture/index.ts';
import { FrameAssembler } from '../../edge/capture/frame-assembler.ts';
import { HeaderParser, lastError } from '../../edge/capture/ffmpeg-command.ts';
import { HAVE_VTEST, vtest } from './footage.ts';

describe('FrameAssembler', () => {
  it('cuts a byte stream into whole frames across chunk boundaries', () => {
    const a = new FrameAssembler(2, 2);
    const bytes = Uint8Array.from({ length: 30 }, (_, i) => i);
    const frames = [...a.push(bytes.subarray(0, 5)), ...a.push(bytes.subarray(5, 29))];
    expect(frames).toHaveLength(2);
    expect([...frames[1]!]).toEqual([...bytes.subarray(12, 24)]);
    expect(a.pending).toBe(5);
  });
});

describe('HeaderParser', () => {
  it('reads the source rate from the input and the size from the output stream', () => {
    const p = new HeaderParser();
    for (const line of [
      "Input #0, avi, from 'vtest.avi':",
      '  Stream #0:0: Video: msmpeg4v3 (MP43 / 0x3334504D), yuv420p, 768x576, 10 fps, 10 tbr, 10 tbn',
      "Output #0, rawvideo, to 'pipe:1':",
      '  Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24(pc), 320x180, q=2-31, 5 fps, 5 tbn',
    ]) p.line(line);
    expect(p.header()).toEqual({ sourceFps: 10, width: 320, height: 180 });
  });

  it('picks the line that explains a failure', () => {
    expect(lastError(['Input #0', 'rtsp://x: Connection refused', ''])).toBe('rtsp://x: Connection refused');
  });
});

describe.skipIf(!HAVE_VTEST)('readFrames on vtest.avi (real ffmpeg)', () => {
  it('offline mode delivers every selected frame with source index and time', async () => {
    const seen: { index: number; t: number }[] = [];
    for await (const f of readFrames({ source: vtest(), width: 160, height: 120, every: 25, realtime: false })) {
      expect(f.data.length).toBe(160 * 120 * 3);
      seen.push({ index: f.index, t: f.t });
      // A slow consumer must not lose frames in offline mode.
      await new Promise((r) => setTimeout(r, 5));
    }
    // 795 source frames, every 25th: indices 0, 25, …, 775.
    expect(seen).toHaveLength(32);
    expect(seen[1]).toEqual({ index: 25, t: 2.5 });
    expect(seen.at(-1)).toEqual({ index: 775, t: 77.5 });
  });

  it('offline mode keeps the source size when none is asked for', async () => {
    for await (const f of readFrames({ source: vtest(), realtime: false, fps: 1 })) {
      expect([f.width, f.height, f.data.length]).toEqual([768, 576, 768 * 576 * 3]);
      break;
    }
  });

  it('live mode drops and counts frames that arrive while the consumer is busy', async () => {
    const stats = createCaptureStats();
    let n = 0;
    for await (const f of readFrames({ source: vtest(), width: 64, height: 48, fps: 10, stats })) {
      expect(f.width).toBe(64);
      n += 1;
      await new Promise((r) => setTimeout(r, 350));
      if (n >= 5) break;
    }
    expect(stats.delivered).toBe(5);
    expect(stats.dropped).toBeGreaterThan(0);
  });

  it('a missing file fails with ffmpeg’s own reason', async () => {
    const run = async () => {
      for await (const f of readFrames({ source: '/nonexistent/cam.mp4', width: 64, height: 48 })) void f;
    };
    await expect(run()).rejects.toThrow(CaptureError);
    await expect(run()).rejects.toThrow(/No such file/);
  });
});
