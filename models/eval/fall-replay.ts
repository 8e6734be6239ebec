/**
 * Replays a cached clip through the edge's analytics exactly as the agent runs them
 * (activity tagger → rule engine) and reports the fall incidents it raised. Shared by
 * `npm run eval:falls` and the real-footage test.
 */
import type { IncidentEvent } from '../../protocol/index.ts';
import { createRuleEngine } from '../../edge/analytics/engine.ts';
import { createActivityTagger } from '../../edge/analytics/activity-tagger.ts';
import type { RulesConfigInput } from '../../edge/analytics/config.ts';
import type { ActivityClassifier, FrameAnalysis } from '../../edge/types.ts';
import { toAnalyses, type CachedClip } from '../activity/keypoint-cache.ts';

export const REPLAY_T0 = Date.UTC(2026, 0, 1);

export interface FallReplay {
  /** Clip time (s) of each fall incident's `open`. */
  opens: number[];
  events: IncidentEvent[];
  /** Seconds of footage replayed (without padding). */
  seconds: number;
}

export interface ReplayOptions {
  classifier: ActivityClassifier | null;
  rules?: RulesConfigInput;
  /**
   * Seconds to keep showing the last frame after the clip ends. URFD fall clips stop
   * < 1 s after lying starts, before any confirmation window could pass; holding the
   * last frame models "the person is still there", and applies to every clip alike.
   */
  padSeconds: number;
  /** Passed to the activity tagger (partial windows for young tracks). */
  minSamples?: number;
}

export async function replayFalls(clip: CachedClip, opts: ReplayOptions): Promise<FallReplay> {
  let now = REPLAY_T0;
  const engine = createRuleEngine({
    cameraId: 'eval',
    zones: [],
    rules: opts.rules ?? {},
    lifecycle: { institutionId: 'eval', edgeId: 'eval', now: () => now },
  });
  const tagger = opts.classifier ? createActivityTagger(opts.classifier, opts.minSamples ? { minSamples: opts.minSamples } : {}) : null;
  const frames: FrameAnalysis[] = toAnalyses(clip, 'eval', REPLAY_T0);
  const last = frames[frames.length - 1];
  if (last && opts.padSeconds > 0) {
    // A held frame is a still body: a burst-analysing edge would be at its calm rate.
    const step = 1 / (clip.calmFps ?? clip.fps);
    for (let t = last.frame.t + step; t <= last.frame.t + opts.padSeconds + 1e-9; t += step) {
      frames.push({ ...last, frame: { ...last.frame, index: last.frame.index + frames.length, t, at: REPLAY_T0 + Math.round(t * 1000) } });
    }
  }
  const events: IncidentEvent[] = [];
  const opens: number[] = [];
  for (const f of frames) {
    now = f.frame.at;
    const tagged = tagger ? await tagger.tag(f) : f;
    for (const e of engine.onFrame(tagged)) {
      if (e.kind !== 'fall') continue;
      events.push(e);
      if (e.type === 'open') opens.push(f.frame.t);
    }
  }
  return { opens, events, seconds: (clip.captured ?? clip.frames.length) / clip.fps };
}
