/**
 * The project's vision pipeline (edge/vision) as used for keypoint extraction: created
 * lazily (cached clips need no model) with one inference thread (training and evaluation
 * run beside other work), and closed once. Its settings are pinned here rather than taken
 * from the pipeline's defaults, so tuning the live pipeline does not silently invalidate
 * (or silently change) the training data; the signature names them and keys the cache.
 * Delete data/cache/activity/ to re-extract after a change of the vision models.
 */
import type { VisionPipeline } from '../../edge/types.ts';
import { createVisionPipeline } from '../../edge/vision/pipeline.ts';

export interface VisionSource {
  signature: string;
  pipeline: () => Promise<VisionPipeline>;
  close(): Promise<void>;
}

const SETTINGS = {
  detector: { inputWidth: 384, minScore: 0.2 },
  tracker: { highScore: 0.3, lowScore: 0.25, minHits: 3, coastMs: 300 },
  posesPerFrame: 3,
  /** Pose re-find of bodies the detector lost (edge/vision/pose-refind.ts), pinned. */
  poseRefind: { maxPerFrame: 1, withinMs: 1000, grow: 0.25, minMeanScore: 0.3, minKeypoints: 8, keypointScore: 0.3, maxOverlap: 0.3, minHeadDrop: 0.1, descentMs: 600 },
} as const;
/** Every tracked person gets a pose on every frame: fall clips are short and one-person. */
const POSES_PER_FRAME = 4;

export function createVisionSource(opts: { workers?: number } = {}): VisionSource {
  let created: Promise<VisionPipeline> | null = null;
  return {
    signature: JSON.stringify({ v: 3, defaultPipelineOptions: SETTINGS, posesPerFrame: POSES_PER_FRAME }),
    pipeline() {
      created ??= createVisionPipeline({
        size: opts.workers ?? 1,
        detector: { ...SETTINGS.detector },
        tracker: { ...SETTINGS.tracker },
        posesPerFrame: POSES_PER_FRAME,
        detectEvery: 1,
        poseRefind: { ...SETTINGS.poseRefind },
      });
      return created;
    },
    async close() {
      if (created) await (await created).close();
    },
  };
}
