/**
 * The models one inference thread owns: a person detector and a pose estimator on the
 * backend chosen by `createRuntime`. Used inside each worker thread, and directly in
 * the calling thread when the pipeline runs with zero workers.
 */
import type { Box } from '../../protocol/index.ts';
import type { Detection, Keypoint, RgbFrame } from '../types.ts';
import { createRuntime, type BackendName } from './runtime.ts';
import { readManifest, defaultManifestPath } from './model-loader.ts';
import { createCenternetDetector, type CenternetOptions } from './models/centernet.ts';
import { createMovenetEstimator, type MovenetOptions } from './models/movenet.ts';

export interface EngineOptions {
  backend?: BackendName;
  manifestPath?: string;
  detector?: Partial<CenternetOptions>;
  pose?: Partial<MovenetOptions>;
}

export interface InferenceEngine {
  readonly backend: BackendName;
  detect(frame: RgbFrame): Promise<{ detections: Detection[]; ms: number }>;
  pose(frame: RgbFrame, boxes: Box[]): Promise<{ keypoints: (Keypoint[] | null)[]; ms: number }>;
  dispose(): Promise<void>;
}

export async function createInferenceEngine(opts: EngineOptions = {}, log?: (msg: string) => void): Promise<InferenceEngine> {
  const runtime = await createRuntime({ prefer: opts.backend, log });
  const manifest = await readManifest(opts.manifestPath ?? defaultManifestPath);
  const detector = await createCenternetDetector(runtime.tf, manifest, opts.detector);
  const pose = await createMovenetEstimator(runtime.tf, manifest, opts.pose);
  return {
    backend: runtime.backend,
    async detect(frame) {
      const t0 = performance.now();
      const detections = await detector.detect(frame);
      return { detections, ms: performance.now() - t0 };
    },
    async pose(frame, boxes) {
      const t0 = performance.now();
      const keypoints = await pose.estimate(frame, boxes);
      return { keypoints, ms: performance.now() - t0 };
    },
    async dispose() {
      await detector.dispose();
      await pose.dispose();
    },
  };
}
