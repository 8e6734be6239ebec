/**
 * Offline analysis of one source: frames → vision pipeline → JSON lines, optionally a
 * rendered video. Up to `inFlight` frames are analysed at once so every inference
 * thread is busy; results are written in frame order. A `RuleEngine` (analytics) may be
 * attached: its incidents are written as `{"event": …}` lines between frame lines.
 */
import type { Writable } from 'node:stream';
import type { IncidentEvent } from '../../protocol/index.ts';
import type { FrameAnalysis, RgbFrame, RuleEngine, TrackedPerson } from '../types.ts';
import type { VisionPipeline } from '../types.ts';
import { readFrames, type ReadFramesOptions } from '../capture/index.ts';
import { drawPersons } from '../render/index.ts';
import { createVideoEncoder, type VideoEncoder } from '../render/video-encoder.ts';

export interface AnalyzeSessionOptions {
  source: string;
  out: Writable;
  pipeline: VisionPipeline;
  cameraId?: string;
  every?: number;
  /** Stop after this many analysed frames (an RTSP stream never ends by itself). */
  maxFrames?: number;
  /** Frames in the source when known (probed): the summary's `frames` after a full pass. */
  sourceFrames?: number | null;
  transport?: ReadFramesOptions['transport'];
  renderPath?: string;
  /** Analyses in flight; default 2 per inference worker. */
  inFlight?: number;
  /** Incident rules fed with every analysis; events become `{"event": …}` lines. */
  ruleEngine?: RuleEngine;
  /** Adds each track's activity (analytics' activity model) before the rules see the frame. */
  tagger?: { tag(analysis: FrameAnalysis): Promise<FrameAnalysis> };
  signal?: AbortSignal;
  onProgress?: (analysed: number, frameIndex: number) => void;
}

export interface AnalyzeSummary {
  frames: number;
  analysedFrames: number;
  wallSeconds: number;
  fps: number;
  backend: string;
  events: number;
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const r3 = (n: number) => Math.round(n * 1000) / 1000;

/** The JSON-line shape of one tracked person. */
export function personLine(p: TrackedPerson) {
  return {
    track: p.track,
    box: p.box.map(r1),
    score: r3(p.score),
    posture: p.posture,
    age: p.age,
    keypoints: p.keypoints ? p.keypoints.map(([x, y, s]) => [r1(x), r1(y), r3(s)]) : null,
  };
}

export function frameLine(a: FrameAnalysis): string {
  return JSON.stringify({ frame: a.frame.index, t: r3(a.frame.t), persons: a.persons.map(personLine) });
}

export function eventLine(e: IncidentEvent): string {
  return JSON.stringify({ event: e });
}

async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

export async function analyzeSource(o: AnalyzeSessionOptions): Promise<AnalyzeSummary> {
  const started = performance.now();
  const cameraId = o.cameraId ?? 'offline';
  const inFlight = Math.max(1, o.inFlight ?? 4);
  const queue: { frame: RgbFrame; result: Promise<FrameAnalysis | null> }[] = [];
  let analysed = 0;
  let lastIndex = -1;
  let events = 0;
  let encoder: VideoEncoder | null = null;
  let sourceFps = 10;
  let stoppedEarly = false;

  async function drain(): Promise<void> {
    const item = queue.shift();
    if (!item) return;
    const analysis = await item.result;
    // A pipeline with burst analysis leaves frames out; `anyu analyze` does not configure one.
    if (!analysis) return;
    await writeLine(o.out, frameLine(analysis));
    if (o.ruleEngine) {
      const tagged = o.tagger ? await o.tagger.tag(analysis) : analysis;
      const evs = [...o.ruleEngine.onFrame(tagged), ...o.ruleEngine.tick(analysis.frame.t * 1000)];
      for (const e of evs) await writeLine(o.out, eventLine(e));
      events += evs.length;
    }
    if (o.renderPath) {
      encoder ??= createVideoEncoder(o.renderPath, item.frame.width, item.frame.height, sourceFps / Math.max(1, o.every ?? 1));
      drawPersons(item.frame, analysis.persons);
      await encoder.write(item.frame.data);
    }
    analysed++;
    lastIndex = analysis.frame.index;
    o.onProgress?.(analysed, lastIndex);
  }

  try {
    const frames = readFrames({
      source: o.source,
      every: o.every,
      realtime: false,
      transport: o.transport,
      signal: o.signal,
      onHeader: (h) => {
        if (h.sourceFps) sourceFps = h.sourceFps;
      },
    });
    let submitted = 0;
    for await (const frame of frames) {
      queue.push({ frame, result: o.pipeline.analyse(cameraId, frame) });
      submitted++;
      if (queue.length >= inFlight) await drain();
      if (o.maxFrames !== undefined && submitted >= o.maxFrames) {
        stoppedEarly = true;
        break;
      }
    }
    if (o.signal?.aborted) stoppedEarly = true;
    while (queue.length > 0) await drain();
    await (encoder as VideoEncoder | null)?.finish();
  } catch (err) {
    await (encoder as VideoEncoder | null)?.abort();
    // Let in-flight analyses settle so the pipeline can close cleanly.
    await Promise.allSettled(queue.map((q) => q.result));
    throw err;
  }
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    frames: !stoppedEarly && o.sourceFrames ? o.sourceFrames : lastIndex + 1,
    analysedFrames: analysed,
    wallSeconds: r3(wallSeconds),
    fps: r3(analysed / Math.max(wallSeconds, 1e-9)),
    backend: o.pipeline.backend,
    events,
  };
}
