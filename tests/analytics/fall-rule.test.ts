/**
 * The fall rule on synthetic skeletons in fake time: an adult fall raises exactly one
 * critical incident within the confirmation window; toddlers' normal floor life
 * (crawling, rolling, plopping down to sit, lying on a nap mat) and adults' deliberate
 * moves (lying down slowly, bending over, sitting down) raise none.
 */
import { describe, expect, it } from 'vitest';
import type { IncidentEvent, ZoneConfig } from '../../protocol/index.ts';
import { IncidentEvent as IncidentEventSchema } from '../../protocol/index.ts';
import { createRuleEngine } from '../../edge/analytics/index.ts';
import type { FrameAnalysis } from '../../edge/types.ts';
import type { Keyframe } from '../../models/activity/synthetic.ts';
import { clip, scene, T0 } from './scenarios.ts';

const ROOM: ZoneConfig = { id: 'room-a', type: 'room', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], classType: 'toddler_small' };
const NAP: ZoneConfig = { id: 'nap-1', type: 'nap', polygon: [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 1]] };

function run(frames: FrameAnalysis[], zones: ZoneConfig[] = [ROOM]): IncidentEvent[] {
  let now = T0;
  const engine = createRuleEngine({
    cameraId: 'cam-1',
    zones,
    lifecycle: { institutionId: 'inst-1', edgeId: 'edge-1', now: () => now },
  });
  const events: IncidentEvent[] = [];
  for (const f of frames) {
    now = f.frame.at;
    events.push(...engine.onFrame(f), ...engine.tick(now + 50));
  }
  for (const e of events) IncidentEventSchema.parse(e);
  return events.filter((e) => e.kind === 'fall');
}

const k = (t: number, pose: Keyframe['pose'], x: number, label: Keyframe['label'], fall = false): Keyframe => ({ t, pose, x, label, fall });

const adultFall = [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(2.8, 'lying', 260, 'lying', true), k(10, 'lying', 260, 'lying')];

describe('fall rule', () => {
  it('an adult fall raises exactly one critical fall incident within the confirmation window', () => {
    const events = run(scene([{ track: 1, age: 'adult', frames: clip('adult', adultFall) }]));
    const opens = events.filter((e) => e.type === 'open');
    expect(opens).toHaveLength(1);
    const open = opens[0]!;
    expect(open.severity).toBe('critical');
    expect(open.zoneId).toBe('room-a');
    expect(open.evidence.persons?.map((p) => p.track)).toEqual([1]);
    // The reason names the path and the measured drop, speed and descent time (2 s → 2.8 s, head 0.6 → 1.7 of the frame).
    expect(open.evidence.reason).toMatch(/^track 1: pose path, head down (0\.\d\d) body heights at (\d\.\d\d) body heights\/s, descent (\d\.\d\d) s$/);
    const [, drop, speed, descent] = /down (\S+) .* at (\S+) body.*descent (\S+) s/.exec(open.evidence.reason ?? '') ?? [];
    expect(Number(drop)).toBeGreaterThan(0.35);
    expect(Number(speed)).toBeGreaterThan(0.5);
    expect(Number(descent)).toBeGreaterThan(0.1);
    expect(Number(descent)).toBeLessThan(0.8);
    // Lying starts at 2.8 s; confirmation window 2 s; one frame (0.1 s) of slack.
    const openedAfter = (Date.parse(open.at) - T0) / 1000;
    expect(openedAfter).toBeGreaterThan(2.8);
    expect(openedAfter).toBeLessThanOrEqual(2.8 + 2 + 0.1);
    expect(events.filter((e) => e.type === 'resolved')).toHaveLength(0);
  });

  it('resolves once when the fallen adult gets up and stays up', () => {
    const keys = [...adultFall.slice(0, 3), k(7, 'lying', 260, 'lying'), k(9, 'sittingFloor', 260, 'sitting'), k(10, 'standing', 260, 'upright'), k(16, 'standing', 260, 'upright')];
    const events = run(scene([{ track: 1, age: 'adult', frames: clip('adult', keys) }]));
    expect(events.map((e) => e.type)).toEqual(['open', 'resolved']);
  });

  it('an adult lying down slowly, bending over or sitting down raises no fall', () => {
    const slowLie = [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(3.5, 'sittingFloor', 200, 'sitting'), k(5.5, 'lyingBack', 230, 'lying'), k(12, 'lyingBack', 230, 'lying')];
    const bend = [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(2.7, 'bending', 200, 'upright'), k(7, 'bending', 200, 'upright'), k(8, 'standing', 200, 'upright'), k(10, 'standing', 200, 'upright')];
    const sit = [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(2.6, 'sittingChair', 200, 'sitting'), k(10, 'sittingChair', 200, 'sitting')];
    for (const keys of [slowLie, bend, sit]) {
      expect(run(scene([{ track: 1, age: 'adult', frames: clip('adult', keys) }]))).toEqual([]);
    }
  });

  it('a crawling toddler raises no fall, including getting down to crawl', () => {
    const keys: Keyframe[] = [k(0, 'standing', 100, 'upright'), k(1, 'standing', 100, 'upright'), k(1.6, 'kneeling', 100, 'sitting'), k(2.1, 'crawlA', 110, 'sitting')];
    for (let i = 0; i < 16; i += 1) keys.push(k(2.6 + i * 0.5, i % 2 ? 'crawlA' : 'crawlB', 120 + i * 15, 'sitting'));
    expect(run(scene([{ track: 7, age: 'child', frames: clip('child', keys) }]))).toEqual([]);
  });

  it('a rolling toddler raises no fall', () => {
    const keys = [k(0, 'lying', 200, 'lying'), k(4, 'lying', 260, 'lying'), k(8, 'lyingCurled', 300, 'lying'), k(12, 'lying', 340, 'lying')];
    expect(run(scene([{ track: 7, age: 'child', frames: clip('child', keys, { roll: 2 }) }]))).toEqual([]);
  });

  it('a toddler plopping down to sit raises no fall', () => {
    const keys = [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(2.4, 'sittingFloor', 200, 'sitting', true), k(10, 'sittingFloor', 200, 'sitting')];
    expect(run(scene([{ track: 7, age: 'child', frames: clip('child', keys) }]))).toEqual([]);
  });

  it('a toddler dropping flat onto a nap mat raises no fall; the same drop on the floor does', () => {
    const keys = [k(0, 'standing', 450, 'upright'), k(2, 'standing', 450, 'upright'), k(2.6, 'lying', 480, 'lying', true), k(10, 'lying', 480, 'lying')];
    const frames = scene([{ track: 7, age: 'child', frames: clip('child', keys) }]);
    expect(run(frames, [ROOM, NAP])).toEqual([]);
    expect(run(frames, [ROOM]).filter((e) => e.type === 'open')).toHaveLength(1);
  });

  it('a fall in a masked zone is never seen', () => {
    const masked: ZoneConfig = { id: 'toilet', type: 'masked', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] };
    expect(run(scene([{ track: 1, age: 'adult', frames: clip('adult', adultFall) }]), [ROOM, masked])).toEqual([]);
  });
});
