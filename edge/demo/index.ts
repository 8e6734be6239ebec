export { resolveSampleVideo, fetchFromDebian, SampleUnavailableError, SAMPLE_NAME } from './sample-video.ts';
export type { SampleOptions } from './sample-video.ts';
