export { createBackoff } from './backoff.ts';
export type { Backoff, BackoffOptions } from './backoff.ts';
export { SlidingCounter } from './sliding-window.ts';
export { CameraHealth } from './camera-health.ts';
export type { CameraHealthOptions } from './camera-health.ts';
export { TamperDetector } from './tamper.ts';
export type { TamperReason, TamperTransition } from './tamper.ts';
export { imageStats, toGrey } from './image-stats.ts';
export type { ImageStats } from './image-stats.ts';
