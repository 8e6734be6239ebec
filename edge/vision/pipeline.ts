/**
 * The vision pipeline: detection in a pool of inference threads, then per camera (in
 * frame order) tracking, pose for a budget of tracks per frame (round-robin, stalest
 * pose first), posture and age (one frame's step: frame-step.ts). Frames of one camera
 * may be submitted concurrently: the detections run in parallel and the per-camera steps
 * are chained in submission order.
 */
import type { VisionPipeline } from '../types.ts';
import type { AgeOptions } from './age.ts';
import { calmFrame, defaultBurstOptions, type BurstOptions } from './burst.ts';
import { createFrameStep, newCameraVision, type CameraVision } from './frame-step.ts';
import type { PostureThresholds } from './posture.ts';
import { defaultFallSweepOptions, defaultLyingSweepOptions, type FallSweepOptions, type LyingSweepOptions } from './lying-sweep.ts';
import { defaultPoseRefindOptions, type PoseRefindOptions } from './pose-refind.ts';
import { createTracker, type TrackerOptions } from './tracker.ts';
import { DEFAULT_SCENE, sceneSettings, type Scene } from './scene.ts';
import { createInferencePool, type PoolOptions } from './worker-pool.ts';

export interface VisionPipelineOptions extends PoolOptions {
  /**
   * The kind of view of every camera (scene.ts: detection, tracking and age settings),
   * default `room`; `sceneByCamera` replaces it per camera. `detector` (input width, score),
   * `tracker` and `age` given here override the scene's for every camera.
   */
  scene?: Scene;
  sceneByCamera?: Readonly<Record<string, Scene>>;
  /**
   * Width ÷ height of a pixel as the scene shows it, for frames that do not say
   * (`RgbFrame.pixelAspect`): a camera whose picture was scaled to other proportions
   * (a 16:9 view captured at 640×640: 16/9). Default 1; `pixelAspectByCamera` per camera.
   */
  pixelAspect?: number;
  pixelAspectByCamera?: Readonly<Record<string, number>>;
  tracker?: Partial<TrackerOptions>;
  /**
   * Pose estimates per frame and camera (MoveNet costs ≈ 26 ms a person on one WASM
   * thread); Infinity = every tracked person on every frame.
   */
  posesPerFrame?: number;
  /**
   * Run the detector on every k-th analysed frame of a camera (with `burst`, every k-th
   * calm frame: burst frames are always detected); frames in between move the tracks on
   * their motion model (and get no new pose). 1 = detect every frame.
   */
  detectEvery?: number;
  posture?: PostureThresholds;
  /** Adult/child model settings (age.ts), e.g. the cameras' mount as `adultHeight`. */
  age?: Partial<AgeOptions>;
  /**
   * Look for bodies the detector lost with the pose model where they were last seen
   * (see pose-refind.ts); `false` turns it off. Costs at most `maxPerFrame` extra poses.
   */
  poseRefind?: Partial<PoseRefindOptions> | false;
  /**
   * Look for people lying still whom the detector misses with MoveNet MultiPose on the
   * whole frame, once every `everyMs` (see lying-sweep.ts); `false` turns it off.
   */
  lyingSweep?: Partial<LyingSweepOptions> | false;
  /** Per camera id, settings that replace `lyingSweep` for that camera (`false`: no sweep there). */
  lyingSweepByCamera?: Readonly<Record<string, Partial<LyingSweepOptions> | false>>;
  /**
   * Sweep the part of the frame where they may lie with MultiPose shortly after the
   * detector loses someone in plain view or whose head was coming down (see
   * `FallSweepOptions` in lying-sweep.ts). Bodies
   * are adopted with the camera's lying-sweep thresholds (the defaults when it has none).
   * Default `false`: off.
   */
  fallSweep?: Partial<FallSweepOptions> | false;
  /**
   * Analyse `calmFps` frames a second and every frame only while someone is going down
   * (see burst.ts); `analyse` then resolves to null for the frames it leaves out. Default
   * `false`: every frame is analysed.
   */
  burst?: Partial<BurstOptions> | false;
  /** Per camera id, settings that replace `burst` for that camera. */
  burstByCamera?: Readonly<Record<string, Partial<BurstOptions> | false>>;
}

/** Defaults chosen by measurement (see models/README.md); detection and start thresholds come from the camera's scene. */
export const defaultPipelineOptions = {
  tracker: { minHits: 3, coastMs: 300 },
  posesPerFrame: 2,
  detectEvery: 1,
} as const;

export interface StageStats {
  frames: number;
  /** Frames refused (malformed) or failed in inference. */
  errors: number;
  poses: number;
  detectMs: number;
  poseMs: number;
  trackMs: number;
  /** Lost bodies re-found by the pose model (see pose-refind.ts). */
  refound: number;
  /** Lying-body sweeps run, their MultiPose time, and the bodies they adopted (see lying-sweep.ts). */
  sweeps: number;
  sweepMs: number;
  /** Time frames waited for a sweep still running when its result was due. */
  sweepWaitMs: number;
  /** Of `sweeps`, the fall sweeps (someone lost in view or going down; awaited on their frame). */
  fallSweeps: number;
  adopted: number;
  /** Frames analysed only because a burst lasted, and frames left out between calm frames (see burst.ts). */
  burstFrames: number;
  skipped: number;
}

export interface VisionPipelineWithStats extends VisionPipeline {
  readonly workers: number;
  stats(): StageStats;
}

/** `o` without its undefined entries (so they do not replace a scene's settings). */
function pickDefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A camera's own entry of a per-camera setting when it has one, else the setting for all cameras. */
function ownSetting<T>(byCamera: Readonly<Record<string, T>> | undefined, id: string, all: T | undefined): T | undefined {
  return byCamera && Object.hasOwn(byCamera, id) ? byCamera[id] : all;
}

export async function createVisionPipeline(opts: VisionPipelineOptions = {}): Promise<VisionPipelineWithStats> {
  const pool = await createInferencePool(opts);
  const posesPerFrame = opts.posesPerFrame ?? defaultPipelineOptions.posesPerFrame;
  const detectEvery = Math.max(1, opts.detectEvery ?? defaultPipelineOptions.detectEvery);
  const cameras = new Map<string, CameraVision>();
  const refind: PoseRefindOptions | null = opts.poseRefind === false ? null : { ...defaultPoseRefindOptions, ...opts.poseRefind };
  const sweepOf = (o: Partial<LyingSweepOptions> | false | undefined): LyingSweepOptions | null => (o === false ? null : { ...defaultLyingSweepOptions, ...o });
  const fallSweep: FallSweepOptions | null = opts.fallSweep === undefined || opts.fallSweep === false ? null : { ...defaultFallSweepOptions, ...opts.fallSweep };
  const burstOf = (o: Partial<BurstOptions> | false | undefined): BurstOptions | null => (o === undefined || o === false ? null : { ...defaultBurstOptions, ...o });
  const stats: StageStats = { frames: 0, errors: 0, poses: 0, detectMs: 0, poseMs: 0, trackMs: 0, refound: 0, sweeps: 0, sweepMs: 0, sweepWaitMs: 0, fallSweeps: 0, adopted: 0, burstFrames: 0, skipped: 0 };
  opts.log?.(`vision pipeline: backend ${pool.backend}, ${pool.size} inference worker(s)`);

  const step = createFrameStep(pool, stats, { posesPerFrame, refind, fallSweep, posture: opts.posture, log: opts.log });

  function camera(id: string): CameraVision {
    let c = cameras.get(id);
    if (!c) {
      const scene = sceneSettings[ownSetting(opts.sceneByCamera, id, opts.scene) ?? DEFAULT_SCENE];
      const detection = { ...scene.detection, ...pickDefined({ inputWidth: opts.detector?.inputWidth, minScore: opts.detector?.minScore }) };
      const tracker = createTracker({ ...defaultPipelineOptions.tracker, ...scene.tracker, ...opts.tracker });
      c = newCameraVision(tracker, sweepOf(ownSetting(opts.lyingSweepByCamera, id, opts.lyingSweep)), burstOf(ownSetting(opts.burstByCamera, id, opts.burst)), detection, { ...scene.age, ...opts.age });
      c.pixelAspect = ownSetting(opts.pixelAspectByCamera, id, opts.pixelAspect) ?? 1;
      cameras.set(id, c);
    }
    return c;
  }

  return {
    backend: pool.backend,
    workers: pool.size,
    analyse(cameraId, frame) {
      if (frame.data.length !== frame.width * frame.height * 3 || frame.width <= 0 || frame.height <= 0) {
        stats.errors++;
        const err = new Error(`camera ${cameraId}: frame ${frame.index} has ${frame.data.length} bytes, expected ${frame.width}×${frame.height}×3 RGB`);
        opts.log?.(err.message);
        return Promise.reject(err);
      }
      const cam = camera(cameraId);
      if (frame.pixelAspect === undefined && cam.pixelAspect !== 1) frame = { ...frame, pixelAspect: cam.pixelAspect };
      const key = `${cameraId}:${frame.index}`;
      // Calm frames start their detection now (it overlaps the previous frame's step);
      // whether a frame between them is analysed is known only after that step.
      const calm = !cam.burst || calmFrame(cam.lastSubmittedMs, frame.t * 1000, cam.burst.calmFps);
      cam.lastSubmittedMs = frame.t * 1000;
      const detected = calm && cam.submitted++ % detectEvery === 0 ? pool.detect(key, frame, cam.detection) : null;
      const result = cam.chain.then(() => step(cameraId, cam, frame, calm, detected, key));
      cam.chain = result.catch((err: unknown) => {
        stats.errors++;
        opts.log?.(`camera ${cameraId}: analysis of frame ${frame.index} failed: ${(err as Error).message}`);
      });
      return result;
    },
    stats: () => ({ ...stats }),
    close: () => pool.close(),
  };
}
