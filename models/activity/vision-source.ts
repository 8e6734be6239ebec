/**
 * The project's vision pipeline (edge/vision) as used for keypoint extraction: created
 * lazily (cached clips need no model) with one inference thread (training and evaluation
 * run beside other work), and closed once. Two kinds: the training data's pipeline
 * (`createVisionSource`), whose settings are pinned here rather than taken from the
 * pipeline's defaults, so tuning the live pipeline does not silently invalidate (or
 * silently change) the training data; and the live edge's own (`createEdgeVisionSource`),
 * which the fall evaluations measure by default. Each signature names its settings and
 * keys the cache. Delete data/cache/activity/ to re-extract after a change of the vision models.
 */
import type { VisionPipeline } from '../../edge/types.ts';
import { cameraVisionOptions } from '../../edge/compose.ts';
import { CameraConfig, VisionConfig } from '../../edge/config/schema.ts';
import { defaultBurstOptions, type BurstOptions } from '../../edge/vision/burst.ts';
import { defaultFallSweepOptions, defaultLyingSweepOptions } from '../../edge/vision/lying-sweep.ts';
import { createVisionPipeline, defaultPipelineOptions } from '../../edge/vision/pipeline.ts';
import { defaultPoseRefindOptions } from '../../edge/vision/pose-refind.ts';
import type { ClipInfo } from './clips.ts';
import { loadOrExtract, type CachedClip } from './keypoint-cache.ts';

export interface VisionSource {
  signature: string;
  pipeline: () => Promise<VisionPipeline>;
  close(): Promise<void>;
}

/** The pipeline settings the keypoint cache pins (also read by design studies in models/eval). */
export const EVAL_PIPELINE_SETTINGS = {
  detector: { inputWidth: 384, minScore: 0.2 },
  tracker: { highScore: 0.3, lowScore: 0.25, minHits: 3, coastMs: 300 },
  posesPerFrame: 3,
  /** Pose re-find of bodies the detector lost (edge/vision/pose-refind.ts), pinned. */
  poseRefind: { maxPerFrame: 1, withinMs: 1000, grow: 0.25, minMeanScore: 0.3, minKeypoints: 8, keypointScore: 0.3, maxOverlap: 0.3, minHeadDrop: 0.1, descentMs: 600 },
  /**
   * Lying-body sweep (edge/vision/lying-sweep.ts), pinned. Applied on the swept frame
   * itself (`applyAfterMs` 0), as before the live pipeline moved it to the background:
   * `v: 5` only names that setting, the keypoints are those of `v: 4` (MODEL_CARD.md).
   */
  lyingSweep: { everyMs: 1000, applyAfterMs: 0, inputWidth: 512, minScore: 0.15, minMeanScore: 0.2, minKeypoints: 5, keypointScore: 0.3, maxOverlap: 0.3, holdMs: 2500 },
} as const;
/** Every tracked person gets a pose on every frame: fall clips are short and one-person. */
export const POSES_PER_FRAME = 4;

/**
 * The live edge's own pipeline for one camera (`cameraVisionOptions` of edge/compose.ts:
 * the pipeline's defaults, 2 poses a frame, the lying-body sweep in the background only
 * for a camera with a `nap` zone), for the fall evaluations: they measure what ships.
 * `burst` as on the edge by default (its trigger settings may be changed), `detectEvery`
 * the edge's `vision.detectEvery`. The signature names every setting, so a change of the
 * edge's defaults re-extracts.
 */
export function createEdgeVisionSource(opts: { workers?: number; napRoom?: boolean; burst?: Partial<BurstOptions> & { calmFps: number }; detectEvery?: number; fallSweep?: boolean } = {}): VisionSource {
  let created: Promise<VisionPipeline> | null = null;
  const vision = VisionConfig.parse({ detectEvery: opts.detectEvery ?? 1, ...(opts.fallSweep !== undefined ? { fallSweep: opts.fallSweep } : {}) });
  const camera = CameraConfig.parse({ id: 'eval', source: 'eval', zones: opts.napRoom ? [EVAL_NAP_ZONE] : [] });
  const { fallSweep, ...others } = { ...cameraVisionOptions(camera, vision), burst: opts.burst ? { ...defaultBurstOptions, ...opts.burst } : (false as const) };
  const settings = { ...others, ...(fallSweep ? { fallSweep: { ...defaultFallSweepOptions, ...fallSweep } } : {}) };
  return {
    // Without the fall sweep the signature is the one from before it existed (same keypoints);
    // 'edge-2', 'edge-3': the fall sweep's region reaches by the height last seen upright, from the feet (twelfth round);
    // 'edge-4' / 'edge-1b': scenes (the room scene's detector) and the frame-scale adult/child model (issue 22).
    signature: JSON.stringify({ v: fallSweep ? 'edge-4' : 'edge-1b', defaults: defaultPipelineOptions, poseRefind: defaultPoseRefindOptions, lyingSweepDefaults: defaultLyingSweepOptions, ...settings }),
    pipeline() {
      created ??= createVisionPipeline({ size: opts.workers ?? 1, ...settings });
      return created;
    },
    async close() {
      if (created) await (await created).close();
    },
  };
}

/** A nap zone in a corner: it only makes the camera one that sweeps (the evaluations replay without zones). */
const EVAL_NAP_ZONE = { id: 'nap', type: 'nap', polygon: [[0, 0], [0.1, 0], [0.1, 0.1], [0, 0.1]] } as const;

/**
 * `burst`: burst analysis as on the live edge (edge/vision/burst.ts; the defaults but for
 * what is given): `calmFps` frames a second, every captured frame while someone goes
 * down. Its caches are separate (the signature names its settings); without it the
 * signature is the one the committed weights were trained from. `detectEvery`: the
 * detector on every k-th analysed calm frame only (`vision.detectEvery` on the edge; burst
 * frames are always detected), default 1; other values are named in the signature too.
 */
export function createVisionSource(opts: { workers?: number; burst?: Partial<BurstOptions>; detectEvery?: number } = {}): VisionSource {
  let created: Promise<VisionPipeline> | null = null;
  const burst = opts.burst ? { ...defaultBurstOptions, ...opts.burst } : null;
  const detectEvery = opts.detectEvery ?? 1;
  return {
    // `age`: the adult/child model (edge/vision/age.ts) labels the cached people; its version re-extracts.
    signature: JSON.stringify({ v: 5, age: 'frame-scale-1', defaultPipelineOptions: EVAL_PIPELINE_SETTINGS, posesPerFrame: POSES_PER_FRAME, ...(burst ? { burst } : {}), ...(detectEvery !== 1 ? { detectEvery } : {}) }),
    pipeline() {
      created ??= createVisionPipeline({
        size: opts.workers ?? 1,
        detector: { ...EVAL_PIPELINE_SETTINGS.detector },
        tracker: { ...EVAL_PIPELINE_SETTINGS.tracker },
        posesPerFrame: POSES_PER_FRAME,
        detectEvery,
        poseRefind: { ...EVAL_PIPELINE_SETTINGS.poseRefind },
        lyingSweep: { ...EVAL_PIPELINE_SETTINGS.lyingSweep },
        ...(burst ? { burst } : {}),
      });
      return created;
    },
    async close() {
      if (created) await (await created).close();
    },
  };
}

export interface ExtractClipsOptions {
  /** Clips extracted at once, each on its own inference thread (default 2: the machine's cores). */
  concurrency?: number;
  cacheDir?: string;
  log?: (msg: string) => void;
  /** Another pipeline and signature (design studies); default the pinned one above. Closed at the end. */
  source?: VisionSource;
  /** Frames captured per second (default the cache's 10, also the live edge's capture rate). */
  fps?: number;
  /** Burst analysis (see `createVisionSource`); `calmFps` below `fps`. */
  burst?: Partial<BurstOptions> & { calmFps: number };
  /** The detector on every k-th analysed calm frame (see `createVisionSource`), default 1. */
  detectEvery?: number;
  /**
   * Extract with the live edge's pipeline for a camera without (`{ napRoom: false }`) or
   * with a `nap` zone (`createEdgeVisionSource`) instead of the pinned one above.
   */
  edge?: { napRoom: boolean; fallSweep: boolean };
}

/**
 * The cached keypoints of `clips` (in their order), extracting the missing ones
 * `concurrency` at a time through one pipeline with that many inference threads (clips
 * are separate cameras to it, so each keeps its own tracker).
 */
export async function extractClips(clips: readonly ClipInfo[], opts: ExtractClipsOptions = {}): Promise<CachedClip[]> {
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const shared = { workers: concurrency, ...(opts.burst ? { burst: opts.burst } : {}), ...(opts.detectEvery ? { detectEvery: opts.detectEvery } : {}) };
  const source = opts.source ?? (opts.edge ? createEdgeVisionSource({ ...shared, ...opts.edge }) : createVisionSource(shared));
  const out: CachedClip[] = new Array(clips.length);
  // Longest first, so a long clip (vtest.avi) does not start last and run alone.
  const order = clips.map((_, i) => i).sort((a, b) => (clips[b]?.durationS ?? 0) - (clips[a]?.durationS ?? 0));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < order.length) {
      const i = order[next++] as number;
      const clip = clips[i] as ClipInfo;
      out[i] = await loadOrExtract(clip, { signature: source.signature, pipeline: source.pipeline, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}), ...(opts.log ? { log: opts.log } : {}), ...(opts.fps ? { fps: opts.fps } : {}), ...(opts.burst ? { calmFps: opts.burst.calmFps } : {}) });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, clips.length) }, lane));
  } finally {
    await source.close();
  }
  return out;
}
