/**
 * The models one inference thread owns: the person-detection stage (detection.ts), a pose estimator and (loaded
 * on first use) MoveNet MultiPose for the lying-body sweep, on the backend chosen by
 * `createRuntime`. Used inside each worker thread, and directly in
 * the calling thread when the pipeline runs with zero workers.
 */
import type { Box } from '../../protocol/index.ts';
import type { Detection, Keypoint, RgbFrame } from '../types.ts';
import { createRuntime, type BackendName } from './runtime.ts';
import { readManifest, defaultManifestPath } from './model-loader.ts';
import { createDetectionStage, type DetectionOptions, type DetectionSettings } from './detection.ts';
import { createMovenetEstimator, type MovenetOptions } from './models/movenet.ts';
import { createMultiposeDetector, type MultiposeDetector, type PoseDetection } from './models/multipose.ts';

export interface EngineOptions {
  backend?: BackendName;
  manifestPath?: string;
  detector?: Partial<DetectionOptions>;
  pose?: Partial<MovenetOptions>;
}

export interface InferenceEngine {
  readonly backend: BackendName;
  detect(frame: RgbFrame, settings?: DetectionSettings): Promise<{ detections: Detection[]; ms: number }>;
  pose(frame: RgbFrame, boxes: Box[]): Promise<{ keypoints: (Keypoint[] | null)[]; ms: number }>;
  /**
   * MultiPose on the whole frame, or on its part `region`, at `size` [width, height]
   * (multiples of 32): bodies scoring ≥ `minScore`, in the frame's pixels.
   */
  sweep(frame: RgbFrame, size: [number, number], minScore: number, region?: Box): Promise<{ bodies: PoseDetection[]; ms: number }>;
  dispose(): Promise<void>;
}

export async function createInferenceEngine(opts: EngineOptions = {}, log?: (msg: string) => void): Promise<InferenceEngine> {
  const runtime = await createRuntime({ prefer: opts.backend, log });
  const manifest = await readManifest(opts.manifestPath ?? defaultManifestPath);
  const detector = await createDetectionStage(runtime.tf, manifest, opts.detector);
  const pose = await createMovenetEstimator(runtime.tf, manifest, opts.pose);
  const sweepers = new Map<string, Promise<MultiposeDetector>>();
  return {
    backend: runtime.backend,
    async detect(frame, settings) {
      const t0 = performance.now();
      const detections = await detector.detect(frame, settings);
      return { detections, ms: performance.now() - t0 };
    },
    async pose(frame, boxes) {
      const t0 = performance.now();
      const keypoints = await pose.estimate(frame, boxes);
      return { keypoints, ms: performance.now() - t0 };
    },
    async sweep(frame, size, minScore, region) {
      // One model per score threshold: the input size is given per call (the model takes any).
      const key = String(minScore);
      let sweeper = sweepers.get(key);
      if (!sweeper) sweepers.set(key, (sweeper = createMultiposeDetector(runtime.tf, manifest, size[0], size[1], minScore)));
      const t0 = performance.now();
      const bodies = await (await sweeper).detect(frame, region, size);
      return { bodies, ms: performance.now() - t0 };
    },
    async dispose() {
      await detector.dispose();
      await pose.dispose();
      for (const s of sweepers.values()) await (await s).dispose();
    },
  };
}
