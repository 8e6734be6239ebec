/**
 * The vision pipeline: detection in a pool of inference threads, then per camera (in
 * frame order) tracking, pose for a budget of tracks per frame (round-robin, stalest
 * pose first), posture and age. Frames of one camera may be submitted concurrently: the
 * detections run in parallel and the per-camera steps are chained in submission order.
 */
import type { Box } from '../../protocol/index.ts';
import type { FrameAnalysis, Keypoint, RgbFrame, TrackedPerson, VisionPipeline } from '../types.ts';
import { appearanceOf } from './appearance.ts';
import { calmFrame, defaultBurstOptions, goingDown, type BurstOptions } from './burst.ts';
import { createPerspectiveModel, type AgeThresholds, type PerspectiveModel } from './age.ts';
import { applyFreshPose, carryKeypoints, newMemory, posePriority, type PersonMemory } from './person-state.ts';
import type { PostureThresholds } from './posture.ts';
import { defaultFallSweepOptions, defaultLyingSweepOptions, fallRegion, lyingBodies, openFallSweep, opensFallSweep, regionInputSize, sweepDue, sweepInputSize, type FallSweepOptions, type FallSweepWindow, type LyingSweepOptions, type SweepBody } from './lying-sweep.ts';
import { defaultPoseRefindOptions, refindRequests, refoundBox, type PoseRefindOptions } from './pose-refind.ts';
import { createTracker, type Tracker, type TrackerOptions, type TrackState } from './tracker.ts';
import { createInferencePool, type InferencePool, type PoolOptions } from './worker-pool.ts';

export interface VisionPipelineOptions extends PoolOptions {
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
  age?: AgeThresholds;
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
   * Sweep the whole frame with MultiPose shortly after the detector loses someone in plain
   * view or whose head was coming down (see `FallSweepOptions` in lying-sweep.ts). Bodies
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

/** Defaults chosen by measurement on vtest (see models/README.md). */
export const defaultPipelineOptions = {
  detector: { inputWidth: 384, minScore: 0.2 },
  tracker: { highScore: 0.3, lowScore: 0.25, minHits: 3, coastMs: 300 },
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

interface CameraState {
  tracker: Tracker;
  perspective: PerspectiveModel | null;
  memory: Map<number, PersonMemory>;
  seq: number;
  /** Analysed frames submitted, for the detect-every-k schedule. */
  submitted: number;
  chain: Promise<unknown>;
  /** This camera's lying-body sweep settings, or null (off). */
  sweep: LyingSweepOptions | null;
  /** Media time of the last lying-body sweep, or null. */
  lastSweepMs: number | null;
  /** A sweep running in the background since media time `tMs`, applied `applyAfterMs` later. */
  pendingSweep: PendingSweep | null;
  /** This camera's burst settings, or null (every frame analysed). */
  burst: BurstOptions | null;
  /** Media time of the last frame submitted, and until which the current burst lasts. */
  lastSubmittedMs: number | null;
  burstUntilMs: number;
  /** Media time of the last frame stepped (analysed or left out), to notice a looped clip. */
  lastStepMs: number | null;
  /** The tracks whose loss opened a fall sweep window, and the window open now. */
  fallSwept: Set<number>;
  fallWindow: FallSweepWindow | null;
  /** Tracks adopted from a sweep and not detected since: held where they lie, not lost. */
  adoptedOnly: Set<number>;
}

type SweepResult = Awaited<ReturnType<InferencePool['sweep']>>;
interface PendingSweep {
  tMs: number;
  result: Promise<SweepResult | Error>;
}

/** A camera's own entry of a per-camera setting when it has one, else the setting for all cameras. */
function ownSetting<T>(byCamera: Readonly<Record<string, T>> | undefined, id: string, all: T | undefined): T | undefined {
  return byCamera && Object.hasOwn(byCamera, id) ? byCamera[id] : all;
}

/** Keeps the head height of the poses of the last `keepMs` (face keypoints, else the box top). */
function noteHead(mem: PersonMemory, kps: Keypoint[] | null, box: Box, tMs: number, keepMs: number): void {
  const face = kps ? kps.slice(0, 5).filter((k) => k[2] >= 0.3) : [];
  const y = face.length ? face.reduce((a, k) => a + k[1], 0) / face.length : box[1];
  mem.heads = [...mem.heads.filter((s) => tMs - s.tMs <= keepMs), { tMs, y, h: box[3], bottom: box[1] + box[3] }];
}

export async function createVisionPipeline(opts: VisionPipelineOptions = {}): Promise<VisionPipelineWithStats> {
  const pool = await createInferencePool({
    ...opts,
    detector: { ...defaultPipelineOptions.detector, ...opts.detector },
  });
  const trackerOpts = { ...defaultPipelineOptions.tracker, ...opts.tracker };
  const posesPerFrame = opts.posesPerFrame ?? defaultPipelineOptions.posesPerFrame;
  const detectEvery = Math.max(1, opts.detectEvery ?? defaultPipelineOptions.detectEvery);
  const cameras = new Map<string, CameraState>();
  const refind: PoseRefindOptions | null = opts.poseRefind === false ? null : { ...defaultPoseRefindOptions, ...opts.poseRefind };
  const sweepOf = (o: Partial<LyingSweepOptions> | false | undefined): LyingSweepOptions | null => (o === false ? null : { ...defaultLyingSweepOptions, ...o });
  const fallSweep: FallSweepOptions | null = opts.fallSweep === undefined || opts.fallSweep === false ? null : { ...defaultFallSweepOptions, ...opts.fallSweep };
  const burstOf = (o: Partial<BurstOptions> | false | undefined): BurstOptions | null => (o === undefined || o === false ? null : { ...defaultBurstOptions, ...o });
  const stats: StageStats = { frames: 0, errors: 0, poses: 0, detectMs: 0, poseMs: 0, trackMs: 0, refound: 0, sweeps: 0, sweepMs: 0, sweepWaitMs: 0, fallSweeps: 0, adopted: 0, burstFrames: 0, skipped: 0 };
  opts.log?.(`vision pipeline: backend ${pool.backend}, ${pool.size} inference worker(s)`);

  function camera(id: string): CameraState {
    let c = cameras.get(id);
    if (!c) {
      const sweep = sweepOf(ownSetting(opts.lyingSweepByCamera, id, opts.lyingSweep));
      const burst = burstOf(ownSetting(opts.burstByCamera, id, opts.burst));
      c = { tracker: createTracker(trackerOpts), perspective: null, memory: new Map(), seq: 0, submitted: 0, chain: Promise.resolve(), sweep, lastSweepMs: null, pendingSweep: null, burst, lastSubmittedMs: null, burstUntilMs: -Infinity, lastStepMs: null, fallSwept: new Set(), fallWindow: null, adoptedOnly: new Set() };
      cameras.set(id, c);
    }
    return c;
  }

  /**
   * MultiPose on the whole frame at media time `tMs` (or on `region` of it, `regionInput`
   * pixels on its longer side), running in the background until awaited.
   */
  function sweepFrame(sweep: LyingSweepOptions, worker: number, key: string, frame: RgbFrame, tMs: number, region?: Box, regionInput = 0): PendingSweep {
    const size = region && regionInput > 0 ? regionInputSize(region, regionInput) : sweepInputSize(frame.width, frame.height, sweep.inputWidth);
    const result = pool.sweep(worker, key, frame, size, sweep.minScore, regionInput > 0 ? region : undefined).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    return { tMs, result };
  }

  function startSweep(cam: CameraState, sweep: LyingSweepOptions, worker: number, key: string, frame: RgbFrame, tMs: number): void {
    cam.lastSweepMs = tMs;
    cam.pendingSweep = sweepFrame(sweep, worker, key, frame, tMs);
  }


  async function step(cameraId: string, cam: CameraState, frame: RgbFrame, calm: boolean, detected: ReturnType<typeof pool.detect> | null, key: string): Promise<FrameAnalysis | null> {
    if (cam.burst && frame.t * 1000 < (cam.lastStepMs ?? -Infinity)) cam.burstUntilMs = -Infinity;
    cam.lastStepMs = frame.t * 1000;
    if (!calm) {
      // Between calm frames: analysed (always with detection) only while a burst lasts.
      if (frame.t * 1000 > cam.burstUntilMs) {
        stats.skipped++;
        return null;
      }
      stats.burstFrames++;
      detected = pool.detect(key, frame);
    }
    const det = detected ? await detected : null;
    if (det) stats.detectMs += det.ms;
    const t0 = performance.now();
    const tracks: TrackState[] = det
      ? cam.tracker.update(det.detections, frame.t * 1000, det.detections.map((d) => appearanceOf(frame, d.box)))
      : cam.tracker.predict(frame.t * 1000);
    const allTracks = cam.tracker.tracks();
    const live = new Set(allTracks.map((t) => t.id));
    for (const id of cam.memory.keys()) if (!live.has(id)) cam.memory.delete(id);
    for (const id of cam.adoptedOnly) if (!live.has(id)) cam.adoptedOnly.delete(id);
    for (const t of tracks) if (t.detection >= 0) cam.adoptedOnly.delete(t.id);
    stats.trackMs += performance.now() - t0;
    const seq = cam.seq++;
    const tMs = frame.t * 1000;
    // Head heights feed the pose re-find and the burst trigger: kept for the longer window.
    const headKeepMs = Math.max(refind?.descentMs ?? 0, cam.burst?.windowMs ?? 0);
    const memoryOf = (id: number) => {
      let m = cam.memory.get(id);
      if (!m) cam.memory.set(id, (m = newMemory()));
      return m;
    };
    const mems = tracks.map((t) => memoryOf(t.id));
    cam.perspective ??= createPerspectiveModel(frame.height);
    const ctx = { frameWidth: frame.width, frameHeight: frame.height, perspective: cam.perspective, postureThresholds: opts.posture, ageThresholds: opts.age };
    let adopted = false;
    /** Swept bodies lying where nobody is reported become (or renew) tracks reported from this frame. */
    const adoptLying = (swept: { ms: number; bodies: SweepBody[] }, with_: LyingSweepOptions) => {
      stats.sweeps++;
      stats.sweepMs += swept.ms;
      for (const body of lyingBodies(swept.bodies, tracks.map((t) => t.box), with_, opts.posture)) {
        const state = cam.tracker.adopt(body.box, body.score, tMs, with_.holdMs);
        const mem = memoryOf(state.id);
        applyFreshPose(mem, body.keypoints, state.box, seq, ctx);
        if (headKeepMs > 0) noteHead(mem, body.keypoints, state.box, tMs, headKeepMs);
        stats.adopted++;
        cam.adoptedOnly.add(state.id);
        adopted = true;
        const at = tracks.findIndex((t) => t.id === state.id);
        if (at >= 0) {
          tracks[at] = state;
          mems[at] = mem;
        } else {
          tracks.push(state);
          mems.push(mem);
        }
      }
    };
    /**
     * A background sweep's bodies once `afterMs` of media time past its frame (a clip that
     * restarts drops it): 'pending' until then, else 'applied' or 'dropped' (failed, logged).
     */
    const applySwept = async (pending: PendingSweep, afterMs: number, with_: LyingSweepOptions, what: string): Promise<'pending' | 'applied' | 'dropped'> => {
      if (tMs >= pending.tMs && tMs - pending.tMs < afterMs) return 'pending';
      const w0 = performance.now();
      const swept = tMs < pending.tMs ? null : await pending.result;
      stats.sweepWaitMs += performance.now() - w0;
      if (swept instanceof Error) {
        stats.errors++;
        opts.log?.(`camera ${cameraId}: ${what} of the frame at ${(pending.tMs / 1000).toFixed(1)} s failed: ${swept.message}`);
      }
      if (!swept || swept instanceof Error) return 'dropped';
      adoptLying(swept, with_);
      return 'applied';
    };
    const sweep = cam.sweep;
    // `applyAfterMs` 0: the sweep of this frame is awaited and applied on this frame.
    if (det && sweep && sweep.applyAfterMs <= 0 && !cam.pendingSweep && sweepDue(cam.lastSweepMs, tMs, sweep)) startSweep(cam, sweep, det.worker, key, frame, tMs);
    const pending = cam.pendingSweep;
    // A sweep started on an earlier frame is applied here, `applyAfterMs` of media time
    // later (a clip that restarts drops it): the camera's frames do not wait for MultiPose,
    // and which frame adopts a body does not depend on how busy the machine is.
    if (det && sweep && pending && (await applySwept(pending, sweep.applyAfterMs, sweep, 'lying-body sweep')) !== 'pending') cam.pendingSweep = null;
    // Fall sweeps (lying-sweep.ts): someone lost on this frame in plain view or going down
    // opens (or extends) a window; a sweep due in it is awaited and adopted on its frame.
    if (det && fallSweep) {
      if (cam.fallWindow && (tMs < cam.fallWindow.fromMs || tMs > cam.fallWindow.untilMs)) cam.fallWindow = null;
      // A lost track is not among those detected on this frame: they are all "others".
      const seen = tracks.filter((o) => o.detection >= 0).map((o) => o.box);
      for (const t of allTracks) {
        const m = cam.memory.get(t.id);
        if (!m || cam.fallSwept.has(t.id) || cam.adoptedOnly.has(t.id)) continue;
        if (!opensFallSweep(t, m.heads, tMs, frame.width, seen, fallSweep, cam.burst ?? defaultBurstOptions)) continue;
        cam.fallSwept.add(t.id);
        cam.fallWindow = openFallSweep(cam.fallWindow, tMs, fallRegion(t.box, frame.width, frame.height, m.uprightHeight), fallSweep);
      }
      for (const id of cam.fallSwept) if (!live.has(id)) cam.fallSwept.delete(id);
      if (cam.fallWindow && tMs >= cam.fallWindow.nextMs) {
        cam.fallWindow.nextMs = tMs + fallSweep.everyMs;
        const body = sweep ?? defaultLyingSweepOptions;
        const swept = sweepFrame(body, det.worker, key, frame, tMs, cam.fallWindow.region, fallSweep.regionInput);
        if ((await applySwept(swept, 0, body, 'fall sweep')) === 'applied') stats.fallSweeps++;
      }
    }
    // Only people seen by the detector on this frame get a fresh pose: the stalest, and
    // sooner those whose box shape changed.
    const candidates = tracks.map((t, i) => i).filter((i) => (tracks[i]?.detection ?? -1) >= 0);
    const priority = (i: number) => posePriority(mems[i] as PersonMemory, tracks[i]?.box as Box, seq);
    candidates.sort((a, b) => {
      const pa = priority(a);
      const pb = priority(b);
      return pa === pb ? 0 : pb > pa ? 1 : -1;
    });
    const chosen = candidates.slice(0, Number.isFinite(posesPerFrame) ? posesPerFrame : candidates.length);
    // An adoption re-finds or starts tracks: read their state again only then.
    const lost = det && refind ? refindRequests(adopted ? cam.tracker.tracks() : allTracks, tracks, (id) => {
      const m = cam.memory.get(id);
      return m?.keypointsBox ? m : null;
    }, tMs, frame, refind) : [];
    if (det && chosen.length + lost.length > 0) {
      const boxes = chosen.map((i) => tracks[i]?.box as Box);
      const res = await pool.pose(det.worker, key, frame, [...boxes, ...lost.map((r) => r.roi)]);
      stats.poseMs += res.ms;
      stats.poses += chosen.length + lost.length;
      chosen.forEach((ti, k) => {
        applyFreshPose(mems[ti] as PersonMemory, res.keypoints[k] ?? null, boxes[k] as Box, seq, ctx);
        if (headKeepMs > 0) noteHead(mems[ti] as PersonMemory, res.keypoints[k] ?? null, boxes[k] as Box, tMs, headKeepMs);
      });
      lost.forEach((r, k) => {
        const kps = res.keypoints[chosen.length + k] ?? null;
        const found = refind ? refoundBox(kps, tracks, frame, refind) : null;
        const state = found ? cam.tracker.refind(r.id, found.box, found.score, tMs) : null;
        const mem = cam.memory.get(r.id);
        if (!state || !mem || !kps) return;
        stats.refound++;
        // A track still coasting on its predicted box is reported already: replace it.
        const at = tracks.findIndex((t) => t.id === r.id);
        if (at >= 0) tracks[at] = state;
        else {
          tracks.push(state);
          mems.push(mem);
        }
        applyFreshPose(mem, kps, state.box, seq, ctx);
        noteHead(mem, kps, state.box, tMs, headKeepMs);
      });
    }
    // Started after this frame's pose request, so that request does not queue behind it.
    if (det && sweep && !cam.pendingSweep && sweepDue(cam.lastSweepMs, tMs, sweep)) startSweep(cam, sweep, det.worker, key, frame, tMs);
    const burst = cam.burst;
    if (burst && mems.some((m) => goingDown(m.heads, tMs, burst))) cam.burstUntilMs = tMs + burst.holdMs;
    stats.frames++;
    const persons: TrackedPerson[] = tracks.map((t, i) => {
      const m = mems[i] as PersonMemory;
      const keypoints = m.keypoints && m.keypointsBox ? carryKeypoints(m.keypoints, m.keypointsBox, t.box) : null;
      return { track: t.id, box: t.box, score: t.score, keypoints, posture: m.posture, age: m.age };
    });
    const analysis: FrameAnalysis = {
      cameraId,
      frame: { index: frame.index, t: frame.t, at: frame.at, width: frame.width, height: frame.height },
      persons,
    };
    return analysis;
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
      const key = `${cameraId}:${frame.index}`;
      // Calm frames start their detection now (it overlaps the previous frame's step);
      // whether a frame between them is analysed is known only after that step.
      const calm = !cam.burst || calmFrame(cam.lastSubmittedMs, frame.t * 1000, cam.burst.calmFps);
      cam.lastSubmittedMs = frame.t * 1000;
      const detected = calm && cam.submitted++ % detectEvery === 0 ? pool.detect(key, frame) : null;
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
