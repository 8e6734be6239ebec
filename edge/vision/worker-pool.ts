/**
 * A pool of inference worker threads (one per core by default). Detection goes to the
 * least busy worker; the pose request for the same frame goes back to that worker,
 * which still holds the frame. With `size: 0` the models run in the calling thread.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Box } from '../../protocol/index.ts';
import type { Detection, Keypoint, RgbFrame } from '../types.ts';
import { createInferenceEngine, type EngineOptions, type InferenceEngine } from './inference-engine.ts';
import type { DetectionSettings } from './detection.ts';
import type { PoseDetection } from './models/multipose.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-messages.ts';

export const DEFAULT_INFERENCE_NICE = 10;

export interface PoolOptions extends EngineOptions {
  /** Worker threads; default one per core; 0 = run in the calling thread. */
  size?: number;
  /**
   * How much nicer than the caller each inference thread runs (Linux: that thread only;
   * capped at 19), default 10: inference saturates the cores by design, and capture,
   * incident delivery and a hub on the same box must not wait behind it (frames are
   * dropped when inference is busy, incidents never). It costs nothing when nothing else
   * wants the CPU. 0 = normal priority.
   */
  inferenceNice?: number;
  log?: (msg: string) => void;
}

export interface DetectResult {
  detections: Detection[];
  ms: number;
  /** Worker that holds the frame for a following pose request. */
  worker: number;
}

export interface InferencePool {
  readonly backend: string;
  readonly size: number;
  /** Person detection on the least busy worker, with the camera's own settings when it has them. */
  detect(frameKey: string, frame: RgbFrame, settings?: DetectionSettings): Promise<DetectResult>;
  pose(worker: number, frameKey: string, frame: RgbFrame, boxes: Box[]): Promise<{ keypoints: (Keypoint[] | null)[]; ms: number }>;
  /** Lying-body or fall sweep (MultiPose on the whole frame, or on `region` of it) on the worker that holds the frame. */
  sweep(worker: number, frameKey: string, frame: RgbFrame, size: [number, number], minScore: number, region?: Box): Promise<{ bodies: PoseDetection[]; ms: number }>;
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  busy: number;
  pending: Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>;
}

const bootstrap = new URL('./worker-bootstrap.mjs', import.meta.url);

async function startSlot(opts: PoolOptions): Promise<{ slot: Slot; backend: string }> {
  const { size: _size, log, inferenceNice = DEFAULT_INFERENCE_NICE, ...engineOpts } = opts;
  const worker = new Worker(bootstrap, { workerData: { ...engineOpts, nice: inferenceNice } satisfies WorkerInit });
  const slot: Slot = { worker, busy: 0, pending: new Map() };
  const backend = await new Promise<string>((resolve, reject) => {
    worker.on('message', (msg: WorkerReply) => {
      if (msg.kind === 'ready') return resolve(msg.backend);
      if (msg.kind === 'log') return log?.(msg.msg);
      const waiter = slot.pending.get(msg.id);
      if (!waiter) return;
      slot.pending.delete(msg.id);
      if (msg.kind === 'error') waiter.reject(new Error(`inference worker: ${msg.message}`));
      else waiter.resolve(msg);
    });
    worker.once('error', (err) => {
      reject(err);
      for (const w of slot.pending.values()) w.reject(err);
      slot.pending.clear();
    });
  });
  return { slot, backend };
}

function inProcessPool(engine: InferenceEngine): InferencePool {
  return {
    backend: engine.backend,
    size: 0,
    async detect(_key, frame, settings) {
      return { ...(await engine.detect(frame, settings)), worker: -1 };
    },
    pose: (_w, _key, frame, boxes) => engine.pose(frame, boxes),
    sweep: (_w, _key, frame, size, minScore, region) => engine.sweep(frame, size, minScore, region),
    close: () => engine.dispose(),
  };
}

/** Every worker starts the same way and says so: one line per distinct message, not one per worker. */
function onceEach(log: ((msg: string) => void) | undefined): ((msg: string) => void) | undefined {
  if (!log) return undefined;
  const seen = new Set<string>();
  return (msg) => {
    if (seen.has(msg)) return;
    seen.add(msg);
    log(msg);
  };
}

export async function createInferencePool(opts: PoolOptions = {}): Promise<InferencePool> {
  const size = opts.size ?? availableParallelism();
  if (size === 0) return inProcessPool(await createInferenceEngine(opts, opts.log));
  const startLog = onceEach(opts.log);
  const started = await Promise.all(Array.from({ length: size }, () => startSlot({ ...opts, log: startLog })));
  const slots = started.map((s) => s.slot);
  const backend = started[0]?.backend ?? 'unknown';
  let nextId = 1;

  function send<K extends WorkerReply['kind']>(slot: Slot, req: WorkerRequest): Promise<Extract<WorkerReply, { kind: K }>> {
    slot.busy++;
    return new Promise<WorkerReply>((resolve, reject) => {
      slot.pending.set(req.id, { resolve, reject });
      slot.worker.postMessage(req);
    }).finally(() => {
      slot.busy--;
    }) as Promise<Extract<WorkerReply, { kind: K }>>;
  }

  /** A request about a frame the worker detected on; the pixels go along only if it evicted the frame. */
  async function onFrameWorker<K extends 'pose' | 'sweep'>(worker: number, frame: RgbFrame, request: (withPixels: { frame?: RgbFrame }) => WorkerRequest) {
    const slot = slots[worker];
    if (!slot) throw new Error(`no inference worker ${worker}`);
    try {
      return await send<K>(slot, request({}));
    } catch (err) {
      // The worker evicted the frame (many cameras in flight): send the pixels again.
      opts.log?.(`retry with pixels: ${(err as Error).message}`);
      return await send<K>(slot, request({ frame }));
    }
  }

  return {
    backend,
    size,
    async detect(frameKey, frame, settings) {
      let best = 0;
      slots.forEach((s, i) => {
        if (s.busy < (slots[best] as Slot).busy) best = i;
      });
      const r = await send<'detect'>(slots[best] as Slot, { kind: 'detect', id: nextId++, frameKey, frame, ...(settings ? { settings } : {}) });
      return { detections: r.detections, ms: r.ms, worker: best };
    },
    async pose(worker, frameKey, frame, boxes) {
      const r = await onFrameWorker<'pose'>(worker, frame, (withPixels) => ({ kind: 'pose', id: nextId++, frameKey, boxes, ...withPixels }));
      return { keypoints: r.keypoints, ms: r.ms };
    },
    async sweep(worker, frameKey, frame, size, minScore, region) {
      const r = await onFrameWorker<'sweep'>(worker, frame, (withPixels) => ({ kind: 'sweep', id: nextId++, frameKey, size, minScore, ...(region ? { region } : {}), ...withPixels }));
      return { bodies: r.bodies, ms: r.ms };
    },
    async close() {
      await Promise.all(
        slots.map(async (s) => {
          await send<'closed'>(s, { kind: 'close', id: nextId++ });
          await s.worker.terminate();
        }),
      );
    },
  };
}
