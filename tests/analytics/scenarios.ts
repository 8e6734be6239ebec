/** Builds FrameAnalysis sequences from synthetic skeletons, for the rule tests. */
import type { AgeClass, Box, Posture } from '../../protocol/index.ts';
import type { FrameAnalysis, TrackedPerson } from '../../edge/types.ts';
import { ADULT, TODDLER, renderClip, type BodySpec, type Keyframe, type SyntheticFrame } from '../../models/activity/synthetic.ts';

export const T0 = Date.UTC(2026, 10, 29, 8, 0, 0);
export const FPS = 10;
export const W = 640;
export const H = 480;

export interface SceneTrack {
  track: number;
  age: AgeClass;
  frames: SyntheticFrame[];
}

export function body(age: 'adult' | 'child', overrides: Partial<BodySpec> = {}): BodySpec {
  return age === 'adult'
    ? { proportions: ADULT, height: 300, groundY: 420, facing: 1, yawDeg: 70, ...overrides }
    : { proportions: TODDLER, height: 150, groundY: 420, facing: 1, yawDeg: 70, ...overrides };
}

export function clip(age: 'adult' | 'child', keys: Keyframe[], opts: { roll?: number; body?: Partial<BodySpec> } = {}): SyntheticFrame[] {
  return renderClip(keys, body(age, opts.body), { fps: FPS, rollPeriodSeconds: opts.roll ?? 0 });
}

function posture(label: SyntheticFrame['label']): Posture {
  return label === 'falling' ? 'unknown' : label;
}

export function person(track: number, age: AgeClass, box: Box, extra: Partial<TrackedPerson> = {}): TrackedPerson {
  return { track, box, score: 0.9, keypoints: null, posture: 'upright', age, ...extra };
}

/** Merges tracks frame by frame at FPS from T0; a track is absent once its frames run out. */
export function scene(tracks: SceneTrack[], cameraId = 'cam-1'): FrameAnalysis[] {
  const n = Math.max(...tracks.map((t) => t.frames.length));
  const out: FrameAnalysis[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = i / FPS;
    const persons: TrackedPerson[] = [];
    for (const tr of tracks) {
      const f = tr.frames[i];
      if (!f) continue;
      persons.push({ track: tr.track, box: f.box, score: 0.9, keypoints: f.keypoints, posture: posture(f.label), age: tr.age });
    }
    out.push({ cameraId, frame: { index: i, t, at: T0 + Math.round(t * 1000), width: W, height: H }, persons });
  }
  return out;
}

/** A frame with persons given as boxes only (count rules do not need keypoints). */
export function boxesFrame(i: number, persons: TrackedPerson[], cameraId = 'cam-1'): FrameAnalysis {
  const t = i / FPS;
  return { cameraId, frame: { index: i, t, at: T0 + Math.round(t * 1000), width: W, height: H }, persons };
}
