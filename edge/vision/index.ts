/**
 * Public surface of edge vision: the pipeline factory and the helpers other components
 * use (keypoint names and features for analytics, rules for tests and tools).
 */
export { createVisionPipeline, defaultPipelineOptions } from './pipeline.ts';
export type { VisionPipelineOptions, VisionPipelineWithStats, StageStats } from './pipeline.ts';
export { KEYPOINT_NAMES, KP, SKELETON, MIN_KEYPOINT_SCORE, normaliseKeypoints, angleFromVertical, midpoint, point } from './keypoints.ts';
export { classifyPosture, defaultPostureThresholds } from './posture.ts';
export { createAgeModel, addAgeEvidence, decideAge, defaultAgeOptions } from './age.ts';
export { createTracker, defaultTrackerOptions } from './tracker.ts';
export type { Tracker, TrackerOptions, TrackState } from './tracker.ts';
export { createInferenceEngine } from './inference-engine.ts';
export { createRuntime } from './runtime.ts';
export { ModelIntegrityError, readManifest, loadGraphModel } from './model-loader.ts';
