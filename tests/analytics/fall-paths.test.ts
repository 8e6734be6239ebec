/**
 * The fall rule's additional paths on synthetic keypoint and box sequences in fake time:
 * each path raises a fall on the case it exists for, and the same sequence raises none
 * with the path turned off (so the test shows the path is what catches it). Children's
 * floor life stays quiet on every path.
 */
import { describe, expect, it } from 'vitest';
import type { Box, IncidentEvent, ZoneConfig } from '../../protocol/index.ts';
import { createRuleEngine, type RulesConfigInput } from '../../edge/analytics/index.ts';
import type { FrameAnalysis, Keypoint, TrackedPerson } from '../../edge/types.ts';
import type { Keyframe } from '../../models/activity/synthetic.ts';
import { clip, FPS, H, scene, T0, W } from './scenarios.ts';

const ROOM: ZoneConfig = { id: 'room-a', type: 'room', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], classType: 'toddler_small' };

function opens(frames: FrameAnalysis[], fall: RulesConfigInput['fall'] = {}): IncidentEvent[] {
  let now = T0;
  const engine = createRuleEngine({
    cameraId: 'cam-1',
    zones: [ROOM],
    rules: { fall },
    lifecycle: { institutionId: 'inst-1', edgeId: 'edge-1', now: () => now },
  });
  const events: IncidentEvent[] = [];
  for (const f of frames) {
    now = f.frame.at;
    events.push(...engine.onFrame(f), ...engine.tick(now + 50));
  }
  // Nobody in view for 4 s after the clip (the clock alone confirms lost bodies).
  for (let i = 1; i <= 40; i += 1) events.push(...engine.tick(now + i * 100));
  return events.filter((e) => e.kind === 'fall' && e.type === 'open');
}

function frameAt(i: number, persons: TrackedPerson[]): FrameAnalysis {
  const t = i / FPS;
  return { cameraId: 'cam-1', frame: { index: i, t, at: T0 + Math.round(t * 1000), width: W, height: H }, persons };
}

const k = (t: number, pose: Keyframe['pose'], x: number, label: Keyframe['label'], fall = false): Keyframe => ({ t, pose, x, label, fall });
const adultFall = [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(2.8, 'lying', 260, 'lying', true), k(10, 'lying', 260, 'lying')];

/** Frames of one track from frame index `from` on, renumbered from 0 (a clip that starts mid-way). */
function fromIndex(frames: FrameAnalysis[], from: number, track = 1): FrameAnalysis[] {
  return frames.slice(from).map((f, i) => frameAt(i, f.persons.map((p) => ({ ...p, track }))));
}

/**
 * A fall towards the camera as a detector sees it: the keypoints keep a vertical torso
 * (foreshortened), while the box turns from tall to wide and its top comes down.
 */
function fallTowardsCamera(age: TrackedPerson['age'], descentFrames = 8): FrameAnalysis[] {
  const stand = clip(age === 'child' ? 'child' : 'adult', [k(0, 'standing', 300, 'upright'), k(1, 'standing', 300, 'upright')])[0];
  if (!stand) throw new Error('no synthetic frame');
  const [x0, top0, w0, h0] = stand.box;
  const bottom = top0 + h0;
  const frames: FrameAnalysis[] = [];
  for (let i = 0; i < 80; i += 1) {
    const f = Math.min(1, Math.max(0, (i - 20) / descentFrames));
    const h = h0 * (1 - 0.7 * f);
    const w = w0 + (h0 * 0.9 - w0) * f;
    const box: Box = [x0 - (w - w0) / 2, bottom - h, w, h];
    const keypoints: Keypoint[] = stand.keypoints.map(([x, y, s]) => [x, bottom - (bottom - y) * (1 - 0.7 * f), s]);
    frames.push(frameAt(i, [{ track: 1, box, score: 0.9, keypoints, posture: 'unknown', age }]));
  }
  return frames;
}

describe('fall rule paths', () => {
  it('first sight: a track first seen already going down raises one fall; not with the path off', () => {
    const full = scene([{ track: 1, age: 'adult', frames: clip('adult', adultFall) }]);
    // The tracker confirms the person 0.5 s into the descent (2.0–2.8 s), torso already at ~33°.
    const midFall = fromIndex(full, 25);
    expect(opens(midFall, { boxWindowSeconds: 0 })).toHaveLength(1);
    expect(opens(midFall, { boxWindowSeconds: 0, firstSightSeconds: 0 })).toEqual([]);
  });

  it('box path: a fall towards the camera (torso stays vertical in the image) raises one fall for an adult, none for a child or with the path off', () => {
    const [open] = opens(fallTowardsCamera('adult'));
    expect(open?.evidence.reason).toMatch(/^track 1: box path, head down 0\.\d\d body heights, descent \d\.\d\d s$/);
    expect(opens(fallTowardsCamera('unknown'))).toHaveLength(1);
    expect(opens(fallTowardsCamera('adult'), { boxWindowSeconds: 0 })).toEqual([]);
    expect(opens(fallTowardsCamera('child'))).toEqual([]);
  });

  it('handover: a body the tracker drops mid-fall and re-finds lying under a new id is one fall', () => {
    const full = scene([{ track: 1, age: 'adult', frames: clip('adult', adultFall) }]);
    // Track 1 until 2.4 s, nobody for 0.3 s, then track 2 lying where track 1 was.
    const frames = full.map((f, i) => (i <= 24 ? f : i < 28 ? frameAt(i, []) : frameAt(i, f.persons.map((p) => ({ ...p, track: 2 })))));
    const got = opens(frames);
    expect(got).toHaveLength(1);
    expect(got[0]?.evidence.persons?.map((p) => p.track)).toEqual([2]);
    expect(opens(frames, { handoverSeconds: 0 })).toEqual([]);
  });

  it('a faint detection of the body on the floor still counts for the fall rule', () => {
    const frames = scene([{ track: 1, age: 'adult', frames: clip('adult', adultFall) }]).map((f) => ({
      ...f,
      persons: f.persons.map((p) => (f.frame.t >= 2.5 ? { ...p, score: 0.27 } : p)),
    }));
    expect(opens(frames)).toHaveLength(1);
    expect(opens(frames, { minPersonScore: 0.3 })).toEqual([]);
  });

  it('sitting on the floor and then lying back quickly raises no fall; without the hip check it would', () => {
    const keys = [k(0, 'standing', 200, 'upright'), k(1, 'standing', 200, 'upright'), k(2, 'sittingFloor', 200, 'sitting'), k(2.6, 'sittingFloor', 200, 'sitting'), k(3.4, 'lyingBack', 230, 'lying'), k(10, 'lyingBack', 230, 'lying')];
    const frames = scene([{ track: 1, age: 'adult', frames: clip('adult', keys) }]);
    expect(opens(frames)).toEqual([]);
    expect(opens(frames, { minHipDropAfterUpright: 0 })).toHaveLength(1);
  });

  it('descent time: a lie-down slow from top to bottom (2 s) raises no fall, a fall (0.8 s) does; without the check both do', () => {
    const slow = [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(4, 'lying', 260, 'lying'), k(10, 'lying', 260, 'lying')];
    const slowFrames = scene([{ track: 1, age: 'adult', frames: clip('adult', slow) }]);
    expect(opens(slowFrames)).toEqual([]);
    const [unchecked] = opens(slowFrames, { maxDescentSeconds: 0 });
    // The pose path finds it (its peak speed passes `minHeadSpeed`); only the whole descent tells it apart.
    const [, path, descent] = /(\w+) path.*descent (\S+) s$/.exec(unchecked?.evidence.reason ?? '') ?? [];
    expect(path).toBe('pose');
    expect(Number(descent)).toBeGreaterThan(1);
    const [fall] = opens(scene([{ track: 1, age: 'adult', frames: clip('adult', adultFall) }]));
    expect(Number(/descent (\S+) s$/.exec(fall?.evidence.reason ?? '')?.[1])).toBeLessThan(0.5);
  });

  it('descent time is judged once over the whole descent, whichever path found it: a slow box-only descent raises no fall', () => {
    const slowBox = fallTowardsCamera('adult', 14);
    const [unchecked] = opens(slowBox, { maxDescentSeconds: 0 });
    expect(unchecked?.evidence.reason).toMatch(/^track 1: box path, .*descent (1\.\d\d) s$/);
    expect(opens(slowBox)).toEqual([]);
    expect(opens(fallTowardsCamera('adult'))).toHaveLength(1);
  });

  const VANISH = { vanishSeconds: 1 };

  it('vanish path (opt-in): a body lost right after a fast descent raises one fall, unless it is seen upright again', () => {
    const full = scene([{ track: 1, age: 'adult', frames: clip('adult', adultFall) }]);
    const vanished = full.map((f, i) => (i <= 25 ? f : frameAt(i, [])));
    expect(opens(vanished)).toEqual([]);
    expect(opens(vanished, VANISH)).toHaveLength(1);
    const standing = clip('adult', [k(0, 'standing', 200, 'upright'), k(10, 'standing', 200, 'upright')]);
    const backUp = vanished.map((f, i) => (i >= 35 && standing[i] ? frameAt(i, [{ ...(full[0]?.persons[0] as TrackedPerson), box: standing[i].box, keypoints: standing[i].keypoints }]) : f));
    expect(opens(backUp, VANISH)).toEqual([]);
  });

  it('vanish path (opt-in): adults only — a toddler of still-unknown age who plops down and is then lost raises no fall', () => {
    const plop = [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(2.4, 'sittingFloor', 200, 'sitting', true), k(10, 'sittingFloor', 200, 'sitting')];
    const lostAfterPlop = (age: TrackedPerson['age']) => scene([{ track: 7, age, frames: clip('child', plop) }]).map((f, i) => (i > 24 ? frameAt(i, []) : f));
    expect(opens(lostAfterPlop('unknown'), VANISH)).toEqual([]);
    expect(opens(lostAfterPlop('child'), VANISH)).toEqual([]);
    // The same sequence labelled adult is what the path is for (a body lost right after coming down fast).
    expect(opens(lostAfterPlop('adult'), VANISH)).toHaveLength(1);
  });

  it('vanish path (opt-in): no fall for a body last seen at the frame edge (left the view) or behind another person', () => {
    const full = scene([{ track: 1, age: 'adult', frames: clip('adult', adultFall) }]);
    const vanished = full.map((f, i) => (i <= 25 ? f : frameAt(i, [])));
    expect(opens(vanished, VANISH)).toHaveLength(1);
    // The same descent, with the frame cropped so the last box touches its bottom edge.
    const last = vanished[25]?.persons[0]?.box as Box;
    const bottom = Math.ceil(last[1] + last[3]);
    const atEdge = vanished.map((f) => ({ ...f, frame: { ...f.frame, height: bottom } }));
    expect(opens(atEdge, VANISH)).toEqual([]);
    // The same descent, with a standing person in front of the last sighting (an occluder, track 2).
    const occluder: TrackedPerson = { ...(full[0]?.persons[0] as TrackedPerson), track: 2, box: [last[0] - 5, last[1] - 40, last[2] + 10, last[3] + 60] };
    const hidden = vanished.map((f, i) => (i >= 20 && i <= 25 ? { ...f, persons: [...f.persons, occluder] } : f));
    expect(opens(hidden, VANISH)).toEqual([]);
  });

  it('toddlers crawling, rolling, plopping down or dropping onto the floor to play raise no fall on any path', () => {
    const crawl: Keyframe[] = [k(0, 'standing', 100, 'upright'), k(1, 'standing', 100, 'upright'), k(1.6, 'kneeling', 100, 'sitting'), k(2.1, 'crawlA', 110, 'sitting')];
    for (let i = 0; i < 16; i += 1) crawl.push(k(2.6 + i * 0.5, i % 2 ? 'crawlA' : 'crawlB', 120 + i * 15, 'sitting'));
    const plop = [k(0, 'standing', 200, 'upright'), k(2, 'standing', 200, 'upright'), k(2.4, 'sittingFloor', 200, 'sitting', true), k(10, 'sittingFloor', 200, 'sitting')];
    const roll = [k(0, 'lying', 200, 'lying'), k(4, 'lying', 260, 'lying'), k(8, 'lyingCurled', 300, 'lying'), k(12, 'lying', 340, 'lying')];
    const all = { vanishSeconds: 1 };
    for (const [keys, rollPeriod] of [[crawl, 0], [plop, 0], [roll, 2]] as const) {
      const frames = scene([{ track: 7, age: 'child', frames: clip('child', [...keys], { roll: rollPeriod }) }]);
      expect(opens(frames, all)).toEqual([]);
      // The same toddler first seen mid-way (first-sight path) stays quiet too.
      expect(opens(fromIndex(frames, 15, 7), all)).toEqual([]);
    }
  });
});
