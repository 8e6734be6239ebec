/**
 * One camera's analysis of one frame, in this order: tracking; the lying-body sweep and the
 * fall sweep (lying-sweep.ts); poses for a budget of tracks and the pose re-find of lost
 * bodies (pose-refind.ts); the burst trigger (burst.ts); the report. pipeline.ts chains
 * these steps per camera in frame order and owns the inference pool they share.
 */
import type { Box } from '../../protocol/index.ts';
import type { FrameAnalysis, Keypoint, RgbFrame, TrackedPerson } from '../types.ts';
import { appearanceOf } from './appearance.ts';
import { defaultBurstOptions, goingDown, type BurstOptions } from './burst.ts';
import { addAgeEvidence, createAgeModel, decideAge, type AgeModel, type AgeOptions } from './age.ts';
import { applyFreshPose, carryKeypoints, newMemory, posePriority, type FreshPoseContext, type PersonMemory } from './person-state.ts';
import type { PostureThresholds } from './posture.ts';
import { defaultLyingSweepOptions, fallRegion, lyingBodies, openFallSweep, opensFallSweep, regionInputSize, sweepDue, sweepInputSize, type FallSweepOptions, type FallSweepWindow, type LyingSweepOptions, type SweepBody } from './lying-sweep.ts';
import { refindRequests, refoundBox, type PoseRefindOptions } from './pose-refind.ts';
import type { Tracker, TrackState } from './tracker.ts';
import type { DetectionSettings } from './detection.ts';
import type { DetectResult, InferencePool } from './worker-pool.ts';
import type { StageStats } from './pipeline.ts';

/** What the pipeline keeps per camera between frames. */
export interface CameraVision {
  tracker: Tracker;
  /** The camera's detection settings (its scene, scene.ts) and adult/child model (age.ts). */
  detection: DetectionSettings;
  /** Pixel aspect of the camera's frames when they do not carry one (pipeline.ts). */
  pixelAspect: number;
  age: AgeModel;
  ageOptions: Partial<AgeOptions>;
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

export function newCameraVision(tracker: Tracker, sweep: LyingSweepOptions | null, burst: BurstOptions | null, detection: DetectionSettings = {}, age: Partial<AgeOptions> = {}): CameraVision {
  return { tracker, detection, pixelAspect: 1, age: createAgeModel(age), ageOptions: age, memory: new Map(), seq: 0, submitted: 0, chain: Promise.resolve(), sweep, lastSweepMs: null, pendingSweep: null, burst, lastSubmittedMs: null, burstUntilMs: -Infinity, lastStepMs: null, fallSwept: new Set(), fallWindow: null, adoptedOnly: new Set() };
}

type SweepResult = Awaited<ReturnType<InferencePool['sweep']>>;
interface PendingSweep {
  tMs: number;
  result: Promise<SweepResult | Error>;
}

/** The pipeline's settings a frame step reads (the same for every camera). */
export interface StepSettings {
  posesPerFrame: number;
  refind: PoseRefindOptions | null;
  fallSweep: FallSweepOptions | null;
  posture?: PostureThresholds;
  log?: (message: string) => void;
}

/** What one frame's phases share: the tracks reported from it grow as sweeps and re-finds add bodies. */
interface FrameWork {
  cameraId: string;
  cam: CameraVision;
  frame: RgbFrame;
  key: string;
  tMs: number;
  seq: number;
  det: DetectResult;
  /** Tracks reported from this frame, and their memories (same order). */
  tracks: TrackState[];
  mems: PersonMemory[];
  /** Every track the tracker holds after this frame's update, and their ids. */
  allTracks: readonly TrackState[];
  live: Set<number>;
  ctx: FreshPoseContext;
  /** How long head heights are kept (pose re-find and burst trigger), 0 = not kept. */
  headKeepMs: number;
  /** A sweep adopted a body on this frame (the tracker's tracks changed). */
  adopted: boolean;
}

/** Keeps the head height of the poses of the last `keepMs` (face keypoints, else the box top). */
function noteHead(mem: PersonMemory, kps: Keypoint[] | null, box: Box, tMs: number, keepMs: number): void {
  const face = kps ? kps.slice(0, 5).filter((k) => k[2] >= 0.3) : [];
  const y = face.length ? face.reduce((a, k) => a + k[1], 0) / face.length : box[1];
  mem.heads = [...mem.heads.filter((s) => tMs - s.tMs <= keepMs), { tMs, y, h: box[3], bottom: box[1] + box[3] }];
}

function memoryOf(cam: CameraVision, id: number): PersonMemory {
  let m = cam.memory.get(id);
  if (!m) cam.memory.set(id, (m = newMemory()));
  return m;
}

/** `state` replaces the track of its id among this frame's tracks, or joins them with `mem`. */
function report(w: FrameWork, state: TrackState, mem: PersonMemory): void {
  const at = w.tracks.findIndex((t) => t.id === state.id);
  if (at >= 0) {
    w.tracks[at] = state;
    w.mems[at] = mem;
  } else {
    w.tracks.push(state);
    w.mems.push(mem);
  }
}

/**
 * The step function of a pipeline: `step(cameraId, cam, frame, calm, detected, key)`
 * analyses one frame (null when it is left out between calm frames, see burst.ts).
 * `detected` is the frame's detection started when it was submitted, or null.
 */
export function createFrameStep(pool: InferencePool, stats: StageStats, s: StepSettings) {
  /**
   * MultiPose on this frame's whole picture (or on `region` of it, `regionInput` pixels on
   * its longer side), running in the background until awaited.
   */
  function sweepFrame(w: FrameWork, sweep: LyingSweepOptions, region?: Box, regionInput = 0): PendingSweep {
    const { frame } = w;
    const size = region && regionInput > 0 ? regionInputSize(region, regionInput) : sweepInputSize(frame.width, frame.height, sweep.inputWidth);
    const result = pool.sweep(w.det.worker, w.key, frame, size, sweep.minScore, regionInput > 0 ? region : undefined).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    return { tMs: w.tMs, result };
  }

  /** Starts the camera's lying-body sweep on this frame when one is due and none is running. */
  function startSweepIfDue(w: FrameWork, sweep: LyingSweepOptions): void {
    if (w.cam.pendingSweep || !sweepDue(w.cam.lastSweepMs, w.tMs, sweep)) return;
    w.cam.lastSweepMs = w.tMs;
    w.cam.pendingSweep = sweepFrame(w, sweep);
  }

  /** Swept bodies lying where nobody is reported become (or renew) tracks reported from this frame. */
  function adoptLying(w: FrameWork, swept: { ms: number; bodies: SweepBody[] }, with_: LyingSweepOptions): void {
    stats.sweeps++;
    stats.sweepMs += swept.ms;
    for (const body of lyingBodies(swept.bodies, w.tracks.map((t) => t.box), with_, s.posture)) {
      const state = w.cam.tracker.adopt(body.box, body.score, w.tMs, with_.holdMs);
      const mem = memoryOf(w.cam, state.id);
      applyFreshPose(mem, body.keypoints, state.box, w.seq, w.ctx);
      if (w.headKeepMs > 0) noteHead(mem, body.keypoints, state.box, w.tMs, w.headKeepMs);
      stats.adopted++;
      w.cam.adoptedOnly.add(state.id);
      w.adopted = true;
      report(w, state, mem);
    }
  }

  /**
   * A background sweep's bodies once `afterMs` of media time past its frame (a clip that
   * restarts drops it): 'pending' until then, else 'applied' or 'dropped' (failed, logged).
   */
  async function applySwept(w: FrameWork, pending: PendingSweep, afterMs: number, with_: LyingSweepOptions, what: string): Promise<'pending' | 'applied' | 'dropped'> {
    if (w.tMs >= pending.tMs && w.tMs - pending.tMs < afterMs) return 'pending';
    const w0 = performance.now();
    const swept = w.tMs < pending.tMs ? null : await pending.result;
    stats.sweepWaitMs += performance.now() - w0;
    if (swept instanceof Error) {
      stats.errors++;
      s.log?.(`camera ${w.cameraId}: ${what} of the frame at ${(pending.tMs / 1000).toFixed(1)} s failed: ${swept.message}`);
    }
    if (!swept || swept instanceof Error) return 'dropped';
    adoptLying(w, swept, with_);
    return 'applied';
  }

  /** The camera's lying-body sweep: one of this frame awaited (`applyAfterMs` 0), or an earlier one applied. */
  async function lyingSweepPhase(w: FrameWork, sweep: LyingSweepOptions): Promise<void> {
    if (sweep.applyAfterMs <= 0) startSweepIfDue(w, sweep);
    const pending = w.cam.pendingSweep;
    // A sweep started on an earlier frame is applied here, `applyAfterMs` of media time
    // later (a clip that restarts drops it): the camera's frames do not wait for MultiPose,
    // and which frame adopts a body does not depend on how busy the machine is.
    if (pending && (await applySwept(w, pending, sweep.applyAfterMs, sweep, 'lying-body sweep')) !== 'pending') w.cam.pendingSweep = null;
  }

  /**
   * Fall sweeps (lying-sweep.ts): someone lost on this frame in plain view or going down
   * opens (or extends) a window; a sweep due in it is awaited and adopted on its frame.
   */
  async function fallSweepPhase(w: FrameWork, fallSweep: FallSweepOptions): Promise<void> {
    const { cam, tMs, frame } = w;
    if (cam.fallWindow && (tMs < cam.fallWindow.fromMs || tMs > cam.fallWindow.untilMs)) cam.fallWindow = null;
    // A lost track is not among those detected on this frame: they are all "others".
    const seen = w.tracks.filter((o) => o.detection >= 0).map((o) => o.box);
    for (const t of w.allTracks) {
      const m = cam.memory.get(t.id);
      if (!m || cam.fallSwept.has(t.id) || cam.adoptedOnly.has(t.id)) continue;
      if (!opensFallSweep(t, m.heads, tMs, frame.width, seen, fallSweep, cam.burst ?? defaultBurstOptions)) continue;
      cam.fallSwept.add(t.id);
      cam.fallWindow = openFallSweep(cam.fallWindow, tMs, fallRegion(t.box, frame.width, frame.height, m.uprightHeight), fallSweep);
    }
    for (const id of cam.fallSwept) if (!w.live.has(id)) cam.fallSwept.delete(id);
    if (cam.fallWindow && tMs >= cam.fallWindow.nextMs) {
      cam.fallWindow.nextMs = tMs + fallSweep.everyMs;
      const body = cam.sweep ?? defaultLyingSweepOptions;
      const swept = sweepFrame(w, body, cam.fallWindow.region, fallSweep.regionInput);
      if ((await applySwept(w, swept, 0, body, 'fall sweep')) === 'applied') stats.fallSweeps++;
    }
  }

  /**
   * Poses, in one request: people seen by the detector on this frame (the stalest first,
   * sooner those whose box shape changed; `posesPerFrame` of them) and the bodies the pose
   * re-find looks for where the detector lost them.
   */
  async function posePhase(w: FrameWork): Promise<void> {
    const { cam, tracks, mems, tMs, frame } = w;
    const candidates = tracks.map((_, i) => i).filter((i) => (tracks[i]?.detection ?? -1) >= 0);
    const priority = (i: number) => posePriority(mems[i] as PersonMemory, tracks[i]?.box as Box, w.seq);
    candidates.sort((a, b) => {
      const pa = priority(a);
      const pb = priority(b);
      return pa === pb ? 0 : pb > pa ? 1 : -1;
    });
    const chosen = candidates.slice(0, Number.isFinite(s.posesPerFrame) ? s.posesPerFrame : candidates.length);
    const refind = s.refind;
    // An adoption re-finds or starts tracks: read their state again only then.
    const lost = refind
      ? refindRequests(w.adopted ? cam.tracker.tracks() : w.allTracks, tracks, (id) => {
          const m = cam.memory.get(id);
          return m?.keypointsBox ? m : null;
        }, tMs, frame, refind)
      : [];
    if (chosen.length + lost.length === 0) return;
    const boxes = chosen.map((i) => tracks[i]?.box as Box);
    const res = await pool.pose(w.det.worker, w.key, frame, [...boxes, ...lost.map((r) => r.roi)]);
    stats.poseMs += res.ms;
    stats.poses += chosen.length + lost.length;
    chosen.forEach((ti, k) => {
      applyFreshPose(mems[ti] as PersonMemory, res.keypoints[k] ?? null, boxes[k] as Box, w.seq, w.ctx);
      if (w.headKeepMs > 0) noteHead(mems[ti] as PersonMemory, res.keypoints[k] ?? null, boxes[k] as Box, tMs, w.headKeepMs);
    });
    lost.forEach((r, k) => {
      const kps = res.keypoints[chosen.length + k] ?? null;
      const found = refind ? refoundBox(kps, tracks, frame, refind) : null;
      const state = found ? cam.tracker.refind(r.id, found.box, found.score, tMs) : null;
      const mem = cam.memory.get(r.id);
      if (!state || !mem || !kps) return;
      stats.refound++;
      // A track still coasting on its predicted box is reported already: replace it.
      report(w, state, mem);
      applyFreshPose(mem, kps, state.box, w.seq, w.ctx);
      noteHead(mem, kps, state.box, tMs, w.headKeepMs);
    });
  }

  /**
   * Adult or child (age.ts): the people the detector saw on this frame are sized up together
   * against the camera's scale; each track folds its share of the evidence into its vote.
   */
  function agePhase(w: FrameWork): void {
    const seen = w.tracks.map((t, i) => ({ t, m: w.mems[i] as PersonMemory })).filter(({ t }) => t.detection >= 0);
    const probs = w.cam.age.observe(seen.map(({ t, m }) => ({ box: t.box, posture: m.posture })), w.frame.width, w.frame.height, w.frame.pixelAspect ?? 1);
    seen.forEach(({ m }, k) => {
      const p = probs[k];
      if (p !== null && p !== undefined) addAgeEvidence(m.ageEvidence, p);
      m.age = decideAge(m.ageEvidence, w.cam.ageOptions.decide);
    });
  }

  return async function step(cameraId: string, cam: CameraVision, frame: RgbFrame, calm: boolean, detected: Promise<DetectResult> | null, key: string): Promise<FrameAnalysis | null> {
    const tMs = frame.t * 1000;
    if (cam.burst && tMs < (cam.lastStepMs ?? -Infinity)) cam.burstUntilMs = -Infinity;
    cam.lastStepMs = tMs;
    if (!calm) {
      // Between calm frames: analysed (always with detection) only while a burst lasts.
      if (tMs > cam.burstUntilMs) {
        stats.skipped++;
        return null;
      }
      stats.burstFrames++;
      detected = pool.detect(key, frame, cam.detection);
    }
    const det = detected ? await detected : null;
    if (det) stats.detectMs += det.ms;
    const t0 = performance.now();
    const tracks: TrackState[] = det ? cam.tracker.update(det.detections, tMs, det.detections.map((d) => appearanceOf(frame, d.box))) : cam.tracker.predict(tMs);
    const allTracks = cam.tracker.tracks();
    const live = new Set(allTracks.map((t) => t.id));
    for (const id of cam.memory.keys()) if (!live.has(id)) cam.memory.delete(id);
    for (const id of cam.adoptedOnly) if (!live.has(id)) cam.adoptedOnly.delete(id);
    for (const t of tracks) if (t.detection >= 0) cam.adoptedOnly.delete(t.id);
    stats.trackMs += performance.now() - t0;
    const seq = cam.seq++;
    const mems = tracks.map((t) => memoryOf(cam, t.id));
    if (det) {
      const w: FrameWork = {
        cameraId, cam, frame, key, tMs, seq, det, tracks, mems, allTracks, live,
        ctx: { postureThresholds: s.posture },
        // Head heights feed the pose re-find and the burst trigger: kept for the longer window.
        headKeepMs: Math.max(s.refind?.descentMs ?? 0, cam.burst?.windowMs ?? 0),
        adopted: false,
      };
      if (cam.sweep) await lyingSweepPhase(w, cam.sweep);
      if (s.fallSweep) await fallSweepPhase(w, s.fallSweep);
      await posePhase(w);
      agePhase(w);
      // Started after this frame's pose request, so that request does not queue behind it.
      if (cam.sweep) startSweepIfDue(w, cam.sweep);
    }
    const burst = cam.burst;
    if (burst && mems.some((m) => goingDown(m.heads, tMs, burst))) cam.burstUntilMs = tMs + burst.holdMs;
    stats.frames++;
    const persons: TrackedPerson[] = tracks.map((t, i) => {
      const m = mems[i] as PersonMemory;
      const keypoints = m.keypoints && m.keypointsBox ? carryKeypoints(m.keypoints, m.keypointsBox, t.box) : null;
      return { track: t.id, box: t.box, score: t.score, keypoints, posture: m.posture, age: m.age };
    });
    return { cameraId, frame: { index: frame.index, t: frame.t, at: frame.at, width: frame.width, height: frame.height }, persons };
  };
}
