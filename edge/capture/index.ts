export { readFrames, createCaptureStats, CaptureError } from './read-frames.ts';
export type { ReadFramesOptions, CaptureStats } from './read-frames.ts';
export { resolveFfmpegPath } from './ffmpeg-path.ts';
export { stopFfmpeg, lastError } from './ffmpeg-command.ts';
export type { Crop, StreamHeader } from './ffmpeg-command.ts';
