/** Messages between the inference pool and its worker threads. */
import type { Box } from '../../protocol/index.ts';
import type { Detection, Keypoint, RgbFrame } from '../types.ts';
import type { EngineOptions } from './inference-engine.ts';
import type { DetectionSettings } from './detection.ts';
import type { PoseDetection } from './models/multipose.ts';

/** What a worker thread starts with: its models' options and its nice value. */
export interface WorkerInit extends EngineOptions {
  nice: number;
}

export type WorkerRequest =
  | { kind: 'detect'; id: number; frameKey: string; frame: RgbFrame; settings?: DetectionSettings }
  | { kind: 'pose'; id: number; frameKey: string; frame?: RgbFrame; boxes: Box[] }
  | { kind: 'sweep'; id: number; frameKey: string; frame?: RgbFrame; size: [number, number]; minScore: number; region?: Box }
  | { kind: 'close'; id: number };

export type WorkerReply =
  | { kind: 'ready'; backend: string }
  | { kind: 'log'; msg: string }
  | { kind: 'detect'; id: number; detections: Detection[]; ms: number }
  | { kind: 'pose'; id: number; keypoints: (Keypoint[] | null)[]; ms: number }
  | { kind: 'sweep'; id: number; bodies: PoseDetection[]; ms: number }
  | { kind: 'closed'; id: number }
  | { kind: 'error'; id: number; message: string };
