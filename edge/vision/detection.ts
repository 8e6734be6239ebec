/**
 * The person-detection stage: the people on a whole frame, boxes in frame pixels with a
 * score. The frame step (frame-step.ts) and the tracker only see its `Detector`; a new
 * detector, or a second stage that confirms candidates, is a change in this file.
 *
 * Today: CenterNet (models/centernet.ts) at the scene's display aspect — the frame's
 * width times its pixel aspect (types.ts `RgbFrame.pixelAspect`) — then non-maximum
 * suppression and the suppression of boxes lying inside a stronger one (a person's legs
 * or torso found as a second person). Why these settings: models/README.md, "Indoor
 * detection".
 */
import type { Detection, Detector, RgbFrame } from '../types.ts';
import type { ModelManifest } from './model-loader.ts';
import { createCenternetDetector, type CenternetFrameSettings, type CenternetOptions } from './models/centernet.ts';
import type { Tf } from './runtime.ts';

export type DetectionOptions = CenternetOptions;
/** What a camera may set for its own frames (its scene, scene.ts): input width and candidate threshold. */
export type DetectionSettings = CenternetFrameSettings;

export interface DetectionStage extends Detector {
  detect(frame: RgbFrame, settings?: DetectionSettings): Promise<Detection[]>;
}

/**
 * Measured on real room CCTV (daycare and care wards) and vtest.avi: 640 px wide at the
 * display aspect finds more of the small, seen-from-above people than 384 px, and their
 * scores are low (a seated toddler 0.15–0.3), so candidates start at 0.15 and the tracker
 * decides (start 0.2, continue 0.15; pipeline.ts).
 */
export const defaultDetectionOptions: DetectionOptions = { inputWidth: 640, minScore: 0.15, nmsIou: 0.5, maxContained: 0.7, maxDetections: 100 };

export async function createDetectionStage(tf: Tf, manifest: ModelManifest, options: Partial<DetectionOptions> = {}): Promise<DetectionStage> {
  return createCenternetDetector(tf, manifest, { ...defaultDetectionOptions, ...options });
}
