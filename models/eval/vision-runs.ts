/**
 * The measured runs of the vision evaluation: our pipeline, the peer library, and the
 * multi-camera throughput run. Each streams the same decoded frames from ffmpeg.
 */
import { readFrames } from '../../edge/capture/index.ts';
import type { FrameAnalysis } from '../../edge/types.ts';
import { createVisionPipeline, defaultPipelineOptions, type VisionPipelineOptions } from '../../edge/vision/pipeline.ts';
import { createMotAccumulator, type Labelled, type MetricsResult } from './mot-metrics.ts';
import { createPeerDetector } from './peer-human.ts';

export interface RunResult {
  system: string;
  backend: string;
  /** Inference threads the system uses. */
  threads: number;
  metrics: MetricsResult;
  /** Tracking metrics only make sense with a tracker. */
  tracked: boolean;
  frames: number;
  wallSeconds: number;
  /** Process CPU time (all threads) per frame: robust to other load on a shared machine. */
  cpuMsPerFrame: number;
  detectMsPerFrame: number;
  poseMsPerPerson: number | null;
  posesPerFrame: number | null;
  trackMsPerFrame: number | null;
  ages: { adult: number; child: number; unknown: number } | null;
}

export interface SourceSpec {
  video: string;
  gt: Map<number, Labelled[]>;
  maxFrames: number;
  every: number;
}

export async function runOurs(src: SourceSpec, opts: VisionPipelineOptions, label: string): Promise<RunResult> {
  const pipeline = await createVisionPipeline(opts);
  const acc = createMotAccumulator(0.5);
  const ages = { adult: 0, child: 0, unknown: 0 };
  const queue: Promise<FrameAnalysis | null>[] = [];
  const inFlight = Math.max(2, pipeline.workers * 2);
  const consume = (a: FrameAnalysis | null) => {
    if (!a) return;
    acc.add(src.gt.get(a.frame.index) ?? [], a.persons.map((p) => ({ id: p.track, box: p.box })));
    for (const p of a.persons) ages[p.age]++;
  };
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let n = 0;
  try {
    for await (const frame of readFrames({ source: src.video, every: src.every, realtime: false })) {
      queue.push(pipeline.analyse('vtest', frame));
      if (queue.length >= inFlight) consume(await (queue.shift() as Promise<FrameAnalysis | null>));
      if (++n >= src.maxFrames) break;
    }
    for (const q of queue) consume(await q);
  } finally {
    await Promise.allSettled(queue);
    await pipeline.close();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const s = pipeline.stats();
  return {
    system: label,
    backend: `${pipeline.backend} ×${pipeline.workers} threads`,
    threads: Math.max(1, pipeline.workers),
    metrics: acc.finish(),
    tracked: true,
    frames: n,
    wallSeconds,
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / Math.max(1, n),
    detectMsPerFrame: s.detectMs / Math.max(1, s.frames),
    poseMsPerPerson: s.poses > 0 ? s.poseMs / s.poses : null,
    posesPerFrame: s.poses / Math.max(1, s.frames),
    trackMsPerFrame: s.trackMs / Math.max(1, s.frames),
    ages,
  };
}

export async function runPeer(src: SourceSpec, model: 'centernet' | 'nanodet'): Promise<RunResult> {
  const peer = await createPeerDetector(model);
  const acc = createMotAccumulator(0.5);
  let detectMs = 0;
  let n = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  for await (const frame of readFrames({ source: src.video, every: src.every, realtime: false })) {
    const t0 = performance.now();
    const dets = await peer.detect(frame);
    detectMs += performance.now() - t0;
    acc.add(src.gt.get(frame.index) ?? [], dets.map((d, i) => ({ id: i, box: d.box })));
    if (++n >= src.maxFrames) break;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    system: `peer: ${peer.name}`,
    backend: `${peer.backend} ×1 thread`,
    threads: 1,
    metrics: acc.finish(),
    tracked: false,
    frames: n,
    wallSeconds: (performance.now() - started) / 1000,
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / Math.max(1, n),
    detectMsPerFrame: detectMs / Math.max(1, n),
    poseMsPerPerson: null,
    posesPerFrame: null,
    trackMsPerFrame: null,
    ages: null,
  };
}

export interface MulticamResult {
  cameras: number;
  width: number;
  height: number;
  framesPerCamera: number;
  wallSeconds: number;
  perCameraFps: number;
  cpuSeconds: number;
  settings: string;
}

/** N cameras of WxH analysed at once (all stages), as fast as the machine allows. */
export async function runMulticam(video: string, cameras: number, width: number, height: number, framesPerCamera: number, opts: VisionPipelineOptions): Promise<MulticamResult> {
  const pipeline = await createVisionPipeline(opts);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    await Promise.all(
      Array.from({ length: cameras }, async (_, c) => {
        const queue: Promise<FrameAnalysis | null>[] = [];
        let n = 0;
        // Each camera starts at a different point of the clip so the scenes differ.
        for await (const frame of readFrames({ source: video, width, height, every: 1 + c, realtime: false })) {
          queue.push(pipeline.analyse(`cam${c}`, frame));
          if (queue.length >= 2) await queue.shift();
          if (++n >= framesPerCamera) break;
        }
        await Promise.all(queue);
      }),
    );
  } finally {
    await pipeline.close();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const settings = `detect every ${opts.detectEvery ?? 1}, ${opts.posesPerFrame ?? defaultPipelineOptions.posesPerFrame} poses/frame`;
  return { cameras, width, height, framesPerCamera, wallSeconds, perCameraFps: framesPerCamera / wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, settings };
}
