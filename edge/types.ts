/**
 * Types shared inside the edge: frames from capture, what vision makes of them, and the
 * capability interfaces that concrete models implement. The pipeline depends on these
 * interfaces only, never on a concrete model.
 */
import type { AgeClass, Box, Posture } from '../protocol/index.ts';

/** One decoded frame, packed RGB24 (width × height × 3 bytes). */
export interface RgbFrame {
  data: Uint8Array;
  width: number;
  height: number;
  /** 0-based index of the decoded source frame. */
  index: number;
  /** Seconds from the start of the source (media time). */
  t: number;
  /** Wall-clock time the frame was received, epoch ms. */
  at: number;
  /**
   * Width ÷ height of one pixel as the scene shows it (the sample aspect ratio), when the
   * frame was scaled to other proportions than the camera's picture (a 16:9 view stored as
   * 640×640: 16/9). Detection and sizes are measured as the scene shows them. Default 1.
   */
  pixelAspect?: number;
}

/** [x, y, score] in source pixels; 17 COCO keypoints per person. */
export type Keypoint = [number, number, number];

export interface Detection {
  box: Box;
  score: number;
}

export interface Detector {
  readonly name: string;
  detect(frame: RgbFrame): Promise<Detection[]>;
  dispose(): Promise<void>;
}

export interface PoseEstimator {
  readonly name: string;
  /** One result per box, in order; null when no confident pose was found. */
  estimate(frame: RgbFrame, boxes: Box[]): Promise<(Keypoint[] | null)[]>;
  dispose(): Promise<void>;
}

export type Activity = 'upright' | 'sitting' | 'lying' | 'falling';

export interface ActivityClassifier {
  readonly name: string;
  /** Number of frames per window the model expects. */
  readonly windowFrames: number;
  /** Each window: `windowFrames` keypoint sets of one track, oldest first. */
  classify(windows: Keypoint[][][]): Promise<{ activity: Activity; probs: Record<Activity, number> }[]>;
  dispose(): Promise<void>;
}

export interface TrackedPerson {
  track: number;
  box: Box;
  score: number;
  keypoints: Keypoint[] | null;
  posture: Posture;
  age: AgeClass;
  /** Latest activity of the track's keypoint window, when a classifier runs. */
  activity?: { activity: Activity; confidence: number; probs?: Record<Activity, number> };
}

/** What vision hands to analytics for one analysed frame of one camera. */
export interface FrameAnalysis {
  cameraId: string;
  frame: Pick<RgbFrame, 'index' | 't' | 'at' | 'width' | 'height'>;
  persons: TrackedPerson[];
}

/** Frames in, tracked persons out, for any number of cameras (one tracker per camera). */
export interface VisionPipeline {
  /** TF.js backend in use: `tensorflow`, `wasm` or `cpu`. */
  readonly backend: string;
  /** The frame's analysis, or null for a frame the pipeline leaves out (burst analysis: between calm frames). */
  analyse(cameraId: string, frame: RgbFrame): Promise<FrameAnalysis | null>;
  close(): Promise<void>;
}

/**
 * Safety rules of one camera: pure state over analyses and the clock. `tick` runs on a
 * timer even when no frame arrives, because a still child makes no motion.
 */
export interface RuleEngine {
  onFrame(analysis: FrameAnalysis): import('../protocol/index.ts').IncidentEvent[];
  tick(nowMs: number): import('../protocol/index.ts').IncidentEvent[];
}
