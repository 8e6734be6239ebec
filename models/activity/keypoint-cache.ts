/**
 * Runs the project's own vision pipeline (detector → tracker → pose → age) over a real
 * clip once and caches what it saw under `data/cache/activity/` (gitignored), keyed by
 * clip, analysis rate and pipeline signature. Training and the fall evaluation both read
 * this cache, so they see exactly what the edge would see.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readFrames } from '../../edge/capture/index.ts';
import type { FrameAnalysis, TrackedPerson, VisionPipeline } from '../../edge/types.ts';
import type { ClipInfo } from './clips.ts';

export const DEFAULT_CACHE_DIR = resolve('data/cache/activity');
/** Analysis rate of cached clips: the activity model's rate, and a realistic edge rate. */
export const CACHE_FPS = 10;

export interface CachedFrame {
  index: number;
  t: number;
  persons: TrackedPerson[];
}

export interface CachedClip {
  id: string;
  signature: string;
  /** Frames captured per second (every one analysed unless `calmFps` is set). */
  fps: number;
  /** Burst analysis (edge/vision/burst.ts): frames analysed per second while nobody goes down. */
  calmFps?: number;
  /** Frames captured, when burst analysis left some out (`frames` holds the analysed ones). */
  captured?: number;
  width: number;
  height: number;
  frames: CachedFrame[];
}

export interface ExtractOptions {
  cacheDir?: string;
  fps?: number;
  /** The pipeline's burst analysis calm rate, recorded in the clip (the signature keys it). */
  calmFps?: number;
  /** Identifies the pipeline's models and settings; a change invalidates the cache. */
  signature: string;
  pipeline: () => Promise<VisionPipeline>;
  /** Stop after this many seconds of the clip (vtest excerpts in tests). */
  maxSeconds?: number;
  log?: (msg: string) => void;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

function compact(p: TrackedPerson): TrackedPerson {
  return {
    track: p.track,
    box: [round(p.box[0]), round(p.box[1]), round(p.box[2]), round(p.box[3])],
    score: Math.round(p.score * 1000) / 1000,
    keypoints: p.keypoints ? p.keypoints.map((k) => [round(k[0]), round(k[1]), Math.round(k[2] * 1000) / 1000]) : null,
    posture: p.posture,
    age: p.age,
  };
}

export function cachePath(clip: ClipInfo, opts: ExtractOptions): string {
  const key = createHash('sha256')
    .update(JSON.stringify([clip.id, opts.fps ?? CACHE_FPS, opts.signature, opts.maxSeconds ?? null]))
    .digest('hex')
    .slice(0, 16);
  return join(opts.cacheDir ?? DEFAULT_CACHE_DIR, `${clip.id.replace(/[^A-Za-z0-9._-]/g, '_')}-${key}.json`);
}

export async function loadOrExtract(clip: ClipInfo, opts: ExtractOptions): Promise<CachedClip> {
  const path = cachePath(clip, opts);
  if (existsSync(path)) return JSON.parse(await readFile(path, 'utf8')) as CachedClip;
  const fps = opts.fps ?? CACHE_FPS;
  const pipeline = await opts.pipeline();
  const frames: CachedFrame[] = [];
  let width = 0;
  let height = 0;
  let captured = 0;
  const started = Date.now();
  for await (const frame of readFrames({ source: clip.file, fps, realtime: false, ...(clip.crop ? { crop: clip.crop } : {}) })) {
    if (opts.maxSeconds !== undefined && frame.t > opts.maxSeconds) break;
    width = frame.width;
    height = frame.height;
    captured++;
    const a = await pipeline.analyse(clip.id, frame);
    // Left out by burst analysis (a cache extracted as the live edge analyses).
    if (!a) continue;
    frames.push({ index: frames.length, t: frame.t, persons: a.persons.map(compact) });
  }
  const cached: CachedClip = { id: clip.id, signature: opts.signature, fps, ...(opts.calmFps ? { calmFps: opts.calmFps, captured } : {}), width, height, frames };
  await mkdir(opts.cacheDir ?? DEFAULT_CACHE_DIR, { recursive: true });
  await writeFile(path, JSON.stringify(cached));
  opts.log?.(`extracted ${clip.id}: ${frames.length} frames in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return cached;
}

/** Replays a cached clip as FrameAnalysis values on a clock starting at `t0` (epoch ms). */
export function toAnalyses(c: CachedClip, cameraId: string, t0: number): FrameAnalysis[] {
  return c.frames.map((f) => ({
    cameraId,
    frame: { index: f.index, t: f.t, at: t0 + Math.round(f.t * 1000), width: c.width, height: c.height },
    persons: f.persons,
  }));
}

/**
 * The subject of a single-person clip, frame by frame: the most confident large person.
 * Track ids are ignored on purpose, because a tracker may split a fall into two tracks
 * and the training windows must follow the body through the fall.
 */
export function subjectSequence(c: CachedClip): (TrackedPerson | null)[] {
  return c.frames.map((f) => {
    let best: TrackedPerson | null = null;
    for (const p of f.persons) {
      if (!p.keypoints) continue;
      const v = p.score * Math.sqrt(p.box[2] * p.box[3]);
      if (!best || v > best.score * Math.sqrt(best.box[2] * best.box[3])) best = p;
    }
    return best;
  });
}
