import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveFfmpegPath } from '../../edge/capture/index.ts';
import { run } from '../../edge/cli/analyze.ts';
import { startFeeder, startRtspServer } from '../edge/rtsp.ts';
import { HAVE_VTEST, VTEST, requireFootageOrWarn } from './footage.ts';

requireFootageOrWarn('tests/vision/analyze');

const Person = z.object({
  track: z.number().int().positive(),
  box: z.tuple([z.number(), z.number(), z.number().nonnegative(), z.number().nonnegative()]),
  score: z.number().min(0).max(1),
  posture: z.enum(['upright', 'sitting', 'lying', 'unknown']),
  age: z.enum(['adult', 'child', 'unknown']),
  keypoints: z.array(z.tuple([z.number(), z.number(), z.number()])).length(17).nullable(),
});
const FrameLine = z.object({ frame: z.number().int().nonnegative(), t: z.number().nonnegative(), persons: z.array(Person) }).strict();
const SummaryLine = z.object({
  summary: z.object({ frames: z.number(), analysedFrames: z.number(), wallSeconds: z.number(), fps: z.number(), backend: z.string() }),
});

async function readJsonl(path: string): Promise<unknown[]> {
  return (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);
}

describe('anyu analyze with a missing input', () => {
  it('fails at once, before loading any model, and creates no output file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anyu-analyze-missing-'));
    const errors: string[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.join(' '));
    let pipelines = 0;
    try {
      const code = await run(['--input', join(dir, 'missing.mp4'), '--out', join(dir, 'out.jsonl'), '--quiet'], {
        createPipeline: async () => {
          pipelines += 1;
          throw new Error('the pipeline must not be created for a missing input');
        },
      });
      expect(code).toBe(2);
    } finally {
      console.error = error;
    }
    expect(pipelines).toBe(0);
    expect(errors.join('\n')).toContain(`input ${join(dir, 'missing.mp4')} does not exist`);
    expect(existsSync(join(dir, 'out.jsonl'))).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });
});

describe.skipIf(!HAVE_VTEST)('anyu analyze', () => {
  let dir: string;
  let clip: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anyu-analyze-'));
    clip = join(dir, 'clip.mp4');
    const cut = spawnSync(resolveFfmpegPath(), ['-loglevel', 'error', '-y', '-i', VTEST as string, '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', clip]);
    expect(cut.status).toBe(0);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one valid JSON line per analysed frame, a summary, and a rendered mp4', async () => {
    const out = join(dir, 'out.jsonl');
    const video = join(dir, 'out.mp4');
    const code = await run(['--input', clip, '--out', out, '--every', '2', '--render', video, '--workers', '1', '--quiet']);
    expect(code).toBe(0);
    const lines = await readJsonl(out);
    const frames = lines.slice(0, -1).map((l) => FrameLine.parse(l));
    const summary = SummaryLine.parse(lines.at(-1)).summary;
    expect(frames.map((f) => f.frame)).toEqual(Array.from({ length: 15 }, (_, i) => i * 2));
    expect(frames[1]?.t).toBeCloseTo(0.2, 5);
    expect(summary.analysedFrames).toBe(15);
    expect(summary.frames).toBe(30);
    expect(summary.backend).toMatch(/^(tensorflow|wasm|cpu)$/);
    expect(frames.slice(5).every((f) => f.persons.length > 0)).toBe(true);
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'csv=p=0', video], { encoding: 'utf8' });
    expect(probe.stdout.trim()).toBe('h264,15');
  });

  it('prints each start-up line once and no TF.js banner (two workers used to print both twice)', () => {
    const r = spawnSync(process.execPath, ['bin/anyu.mjs', 'analyze', '--input', clip, '--out', join(dir, 'startup.jsonl'), '--frames', '2', '--workers', '2'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    const out = `${r.stdout}${r.stderr}`;
    expect(out).not.toContain('looks like you are running TensorFlow.js');
    const lines = out.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('analyze:'));
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('rejects bad arguments with exit code 2', async () => {
    expect(await run(['--out', join(dir, 'x.jsonl')])).toBe(2);
    expect(await run(['--input', clip, '--out', join(dir, 'x.jsonl'), '--every', 'two'])).toBe(2);
  });

  it('leaves no empty output file when ffmpeg cannot read the input', async () => {
    const bad = join(dir, 'not-a-video.mp4');
    await writeFile(bad, 'not a video');
    expect(await run(['--input', bad, '--out', join(dir, 'y.jsonl'), '--workers', '0', '--quiet'])).toBe(1);
    expect(existsSync(join(dir, 'y.jsonl'))).toBe(false);
  });

  it('analyses an RTSP stream for a fixed number of frames', async () => {
    const server = await startRtspServer();
    const feeder = startFeeder(clip, server.publishUrl('cam'));
    try {
      // Give the publisher a moment to announce the stream.
      await new Promise((r) => setTimeout(r, 1500));
      const out = join(dir, 'rtsp.jsonl');
      const code = await run(['--input', server.clientUrl('cam'), '--out', out, '--frames', '6', '--transport', 'udp', '--workers', '0', '--quiet']);
      expect(code).toBe(0);
      const lines = await readJsonl(out);
      expect(lines.slice(0, -1).map((l) => FrameLine.parse(l))).toHaveLength(6);
      expect(SummaryLine.parse(lines.at(-1)).summary.analysedFrames).toBe(6);
    } finally {
      await feeder.stop();
      await server.close();
    }
  });
});
