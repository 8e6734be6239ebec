/**
 * The project's vision pipeline (edge/vision) as used for keypoint extraction: created
 * lazily (cached clips need no model) with one inference thread (training and evaluation
 * run beside other work), and closed once. The signature names the pipeline's settings
 * so the keypoint cache is invalidated when they change.
 */
import type { VisionPipeline } from '../../edge/types.ts';
import { createVisionPipeline, defaultPipelineOptions } from '../../edge/vision/pipeline.ts';

export interface VisionSource {
  signature: string;
  pipeline: () => Promise<VisionPipeline>;
  close(): Promise<void>;
}

/** Every tracked person gets a pose on every frame: fall clips are short and one-person. */
const POSES_PER_FRAME = 4;

export function createVisionSource(opts: { workers?: number } = {}): VisionSource {
  let created: Promise<VisionPipeline> | null = null;
  return {
    signature: JSON.stringify({ v: 1, defaultPipelineOptions, posesPerFrame: POSES_PER_FRAME }),
    pipeline() {
      created ??= createVisionPipeline({ size: opts.workers ?? 1, posesPerFrame: POSES_PER_FRAME });
      return created;
    },
    async close() {
      if (created) await (await created).close();
    },
  };
}
