/**
 * The rule engine for offline analysis (`anyu analyze`): files decode faster than real
 * time, so the rules must run on media time, not on the wall-clock `at` of each frame.
 * Media time 0 is mapped to `startedAt` so incident timestamps stay real dates.
 */
import type { ZoneConfig } from '../../protocol/index.ts';
import type { FrameAnalysis, RuleEngine } from '../types.ts';
import type { RulesConfigInput } from './config.ts';
import { createRuleEngine } from './engine.ts';

export interface OfflineRuleEngineOptions {
  zones?: readonly ZoneConfig[];
  rules?: RulesConfigInput;
  /** Epoch ms of media time 0; default: now. */
  startedAt?: number;
  institutionId?: string;
  edgeId?: string;
}

/** `tick(ms)` takes media milliseconds, as `onFrame` reads `frame.t`. */
export function createOfflineRuleEngine(cameraId: string, opts: OfflineRuleEngineOptions = {}): RuleEngine {
  const epoch = opts.startedAt ?? Date.now();
  let now = epoch;
  const engine = createRuleEngine({
    cameraId,
    zones: opts.zones ?? [],
    rules: opts.rules ?? {},
    lifecycle: { institutionId: opts.institutionId ?? 'offline', edgeId: opts.edgeId ?? 'offline', now: () => now },
  });
  return {
    onFrame(a: FrameAnalysis) {
      now = epoch + Math.round(a.frame.t * 1000);
      return engine.onFrame({ ...a, frame: { ...a.frame, at: now } });
    },
    tick(mediaMs: number) {
      now = Math.max(now, epoch + Math.round(mediaMs));
      return engine.tick(now);
    },
  };
}
