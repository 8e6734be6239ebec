/**
 * Tamper detection on real footage and on real ffmpeg-made variants of it: a black
 * view, a uniform grey view (lens covered), a frozen view (one frame repeated) and a
 * view that turns blurred. Frames come from ffmpeg in offline mode; the detector's
 * clock is the media time, so the test runs faster than real time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrames, resolveFfmpegPath } from '../../edge/capture/index.ts';
import { TamperConfig } from '../../edge/config/index.ts';
import { TamperDetector, type TamperTransition } from '../../edge/health/index.ts';
import { HAVE_VTEST, vtest } from './footage.ts';

const W = 320;
const H = 180;
const cfg = TamperConfig.parse({ onSeconds: 3, offSeconds: 3, frozenSeconds: 5 });

async function transitions(file: string): Promise<(TamperTransition & { t: number })[]> {
  const det = new TamperDetector(cfg);
  const out: (TamperTransition & { t: number })[] = [];
  for await (const f of readFrames({ source: file, width: W, height: H, fps: 5, realtime: false })) {
    const tr = det.onFrame(f.data, f.width, f.height, Math.round(f.t * 1000));
    if (tr) out.push({ ...tr, t: f.t });
  }
  return out;
}

describe.skipIf(!HAVE_VTEST)('tamper detection on real footage and ffmpeg-made variants', () => {
  let dir = '';
  const ffmpeg = (args: string[], out: string) => {
    execFileSync(resolveFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args, '-s', `${W}x${H}`, '-an', '-c:v', 'mjpeg', '-q:v', '4', join(dir, out)]);
    return join(dir, out);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'anyu-tamper-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('raises nothing on the normal street view', async () => {
    const clip = ffmpeg(['-t', '40', '-i', vtest()], 'normal.avi');
    expect(await transitions(clip)).toEqual([]);
  });

  it('a view that goes black opens blacked_out, and clears when the view returns', async () => {
    const clip = ffmpeg(
      ['-t', '30', '-i', vtest(), '-vf', "drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(t,8,18)'"],
      'black.avi',
    );
    const tr = await transitions(clip);
    expect(tr.map((x) => [x.type, x.reason])).toEqual([
      ['open', 'blacked_out'],
      ['clear', null],
    ]);
    expect(tr[0]!.t).toBeGreaterThanOrEqual(11);
    expect(tr[1]!.t).toBeGreaterThanOrEqual(21);
  });

  it('a lavfi color=black source reads as blacked out, a uniform grey one as covered', async () => {
    const black = ffmpeg(['-f', 'lavfi', '-i', 'color=black:s=768x576:r=10:d=8'], 'lavfi-black.avi');
    const grey = ffmpeg(['-f', 'lavfi', '-i', 'color=0x808070:s=768x576:r=10:d=8'], 'lavfi-grey.avi');
    expect((await transitions(black)).map((x) => x.reason)).toEqual(['blacked_out']);
    expect((await transitions(grey)).map((x) => x.reason)).toEqual(['covered']);
  });

  it('a frozen view (one frame repeated) reads as frozen; the moving scene does not', async () => {
    const clip = ffmpeg(['-t', '12', '-i', vtest(), '-vf', 'loop=loop=150:size=1:start=60'], 'frozen.avi');
    const tr = await transitions(clip);
    expect(tr[0]).toMatchObject({ type: 'open', reason: 'frozen' });
    // Frozen from 6 s: 5 s of identical frames, then 3 s of hysteresis.
    expect(tr[0]!.t).toBeGreaterThanOrEqual(13);
    expect(tr[0]!.t).toBeLessThan(16);
  });

  it('a view that turns badly blurred opens blurred against its own learned sharpness', async () => {
    const clip = ffmpeg(['-t', '30', '-i', vtest(), '-vf', "boxblur=8:enable='gte(t,12)'"], 'blur.avi');
    const tr = await transitions(clip);
    expect(tr.map((x) => [x.type, x.reason])).toEqual([['open', 'blurred']]);
    expect(tr[0]!.t).toBeGreaterThanOrEqual(15);
  });
});
