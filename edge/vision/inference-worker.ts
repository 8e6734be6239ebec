/**
 * Worker-thread side of the inference pool. Keeps the last few frames it saw so a pose
 * request for a frame it just detected on does not copy the pixels again.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RgbFrame } from '../types.ts';
import { getPriority, setPriority } from 'node:os';
import { createInferenceEngine } from './inference-engine.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-messages.ts';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');

const { nice, ...engineOpts } = workerData as WorkerInit;
if (nice > 0) {
  try {
    // pid 0 = the calling thread on Linux: only this inference thread yields, by `nice`
    // more than the thread that started it.
    setPriority(0, Math.min(19, getPriority(0) + nice));
  } catch (err) {
    port.postMessage({ kind: 'log', msg: `inference thread: could not lower its priority (${(err as Error).message})` } satisfies WorkerReply);
  }
}
const engine = await createInferenceEngine(engineOpts, (msg) => port.postMessage({ kind: 'log', msg }));
const recent = new Map<string, RgbFrame>();
const KEEP_FRAMES = 16;

port.on('message', (req: WorkerRequest) => {
  void handle(req).then(
    (reply) => port.postMessage(reply),
    (err: unknown) => port.postMessage({ kind: 'error', id: req.id, message: (err as Error).message } satisfies WorkerReply),
  );
});
port.postMessage({ kind: 'ready', backend: engine.backend } satisfies WorkerReply);

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  if (req.kind === 'detect') {
    recent.set(req.frameKey, req.frame);
    while (recent.size > KEEP_FRAMES) recent.delete(recent.keys().next().value as string);
    const r = await engine.detect(req.frame, req.settings);
    return { kind: 'detect', id: req.id, ...r };
  }
  if (req.kind === 'pose') {
    const frame = req.frame ?? recent.get(req.frameKey);
    if (!frame) throw new Error(`frame ${req.frameKey} is no longer cached in this worker`);
    const r = await engine.pose(frame, req.boxes);
    return { kind: 'pose', id: req.id, ...r };
  }
  if (req.kind === 'sweep') {
    const frame = req.frame ?? recent.get(req.frameKey);
    if (!frame) throw new Error(`frame ${req.frameKey} is no longer cached in this worker`);
    const r = await engine.sweep(frame, req.size, req.minScore, req.region);
    return { kind: 'sweep', id: req.id, ...r };
  }
  await engine.dispose();
  return { kind: 'closed', id: req.id };
}
