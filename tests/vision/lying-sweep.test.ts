import { describe, expect, it } from 'vitest';
import type { Box } from '../../protocol/index.ts';
import { readFrames } from '../../edge/capture/index.ts';
import type { FrameAnalysis, Keypoint } from '../../edge/types.ts';
import { defaultFallSweepOptions, defaultLyingSweepOptions, lyingBodies, openFallSweep, sweepDue, sweepInputSize, vanishedInView, type SweepBody } from '../../edge/vision/lying-sweep.ts';
import { createVisionPipeline, type VisionPipelineOptions } from '../../edge/vision/pipeline.ts';
import { createTracker } from '../../edge/vision/tracker.ts';
import { footageClip, HAVE_VTEST, requireFootageOrWarn, VTEST } from './footage.ts';

const opts = defaultLyingSweepOptions;

/** COCO keypoints of a body lying along x (head left) or standing (head up) in `box`, all scored `s`. */
function body(box: Box, lying: boolean, s: number): Keypoint[] {
  const [x, y, w, h] = box;
  // nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles: position along the body 0..1, side offset.
  const along = [0.02, 0.01, 0.01, 0.03, 0.03, 0.2, 0.2, 0.35, 0.35, 0.45, 0.45, 0.55, 0.55, 0.75, 0.75, 0.98, 0.98];
  return along.map((a, i) => {
    const side = i === 0 ? 0.5 : i % 2 === 1 ? 0.35 : 0.65;
    return (lying ? [x + a * w, y + side * h, s] : [x + side * w, y + a * h, s]) as Keypoint;
  });
}

function swept(box: Box, lying: boolean, score = 0.3, s = 0.5): SweepBody {
  return { box, score, keypoints: body(box, lying, s) };
}

describe('lying-body sweep: which bodies are adopted', () => {
  it('adopts a confident lying body nobody is tracked on', () => {
    const b = swept([100, 300, 200, 60], true);
    expect(lyingBodies([b], [], opts)).toEqual([b]);
  });

  it('leaves standing people, weak bodies, and bodies on a reported person alone', () => {
    expect(lyingBodies([swept([100, 100, 60, 200], false)], [], opts)).toEqual([]);
    expect(lyingBodies([swept([100, 300, 200, 60], true, 0.1)], [], opts)).toEqual([]);
    expect(lyingBodies([swept([100, 300, 200, 60], true, 0.3, 0.1)], [], opts)).toEqual([]);
    expect(lyingBodies([swept([100, 300, 200, 60], true)], [[110, 290, 190, 70]], opts)).toEqual([]);
  });

  it('adopts two bodies side by side but not one body twice, the more confident first', () => {
    const a = swept([100, 300, 200, 60], true, 0.3);
    const twin = swept([105, 302, 200, 60], true, 0.5);
    const other = swept([100, 400, 200, 60], true, 0.2);
    expect(lyingBodies([a, twin, other], [], opts)).toEqual([twin, other]);
  });

  it('is due once every everyMs of media time (and again after a clip restarts)', () => {
    expect(sweepDue(null, 0, opts)).toBe(true);
    expect(sweepDue(0, 900, opts)).toBe(false);
    expect(sweepDue(0, 1000, opts)).toBe(true);
    expect(sweepDue(5000, 100, opts)).toBe(true);
  });

  it('runs MultiPose at the frame aspect, sides multiples of 32', () => {
    expect(sweepInputSize(640, 480, 512)).toEqual([512, 384]);
    expect(sweepInputSize(320, 240, 512)).toEqual([512, 384]);
    expect(sweepInputSize(1920, 1080, 512)).toEqual([512, 288]);
  });
});

describe('fall sweep trigger: who vanished in plain view', () => {
  it('counts a person lost mid-frame, also one filling the frame height', () => {
    expect(vanishedInView([300, 100, 60, 200], 640, [])).toBe(true);
    expect(vanishedInView([328, 0, 160, 480], 640, [])).toBe(true);
  });

  it('not one lost at the left or right border (walked out) or behind someone reported', () => {
    expect(vanishedInView([5, 100, 60, 200], 640, [])).toBe(false);
    expect(vanishedInView([580, 100, 55, 200], 640, [])).toBe(false);
    // Covered 50 % by a person seen on the frame: may be behind them.
    expect(vanishedInView([300, 100, 60, 200], 640, [[330, 90, 70, 220]])).toBe(false);
    // A neighbour covering a sliver (10 %) does not hide anyone.
    expect(vanishedInView([300, 100, 60, 200], 640, [[354, 100, 60, 200]])).toBe(true);
  });
});

describe('fall sweep window', () => {
  const o = { firstAfterMs: 500, forMs: 2000 };
  it('sweeps half a second after the loss, once by default, adopting on the swept frame', () => {
    expect(defaultFallSweepOptions).toMatchObject({ firstAfterMs: 500, everyMs: 1000, forMs: 1000 });
    expect(openFallSweep(null, 1000, defaultFallSweepOptions)).toEqual({ fromMs: 1000, untilMs: 2000, nextMs: 1500 });
    // With a longer window (forMs 2000): sweeps at 1.5 s and, every 1 s, 2.5 s.
    expect(openFallSweep(null, 1000, o)).toEqual({ fromMs: 1000, untilMs: 3000, nextMs: 1500 });
  });

  it('a second loss in an open window extends it, its first sweep no later than its own would be', () => {
    // The window swept at 1.6 s and next at 2.6: a loss at 1.8 s brings the next sweep to 2.3.
    expect(openFallSweep({ fromMs: 1000, untilMs: 3000, nextMs: 2600 }, 1800, o)).toEqual({ fromMs: 1000, untilMs: 3800, nextMs: 2300 });
    expect(openFallSweep({ fromMs: 1000, untilMs: 3000, nextMs: 1500 }, 1200, o)).toEqual({ fromMs: 1000, untilMs: 3200, nextMs: 1500 });
  });

  it('a loss after the window closed, or before it opened (a clip that restarts), opens a new one', () => {
    expect(openFallSweep({ fromMs: 1000, untilMs: 3000, nextMs: 2600 }, 3500, o)).toEqual({ fromMs: 3500, untilMs: 5500, nextMs: 4000 });
    expect(openFallSweep({ fromMs: 1000, untilMs: 3000, nextMs: 2600 }, 200, o)).toEqual({ fromMs: 200, untilMs: 2200, nextMs: 700 });
  });
});

describe('tracker.adopt', () => {
  it('starts a confirmed, still track and reports it for holdMs without sightings', () => {
    const tr = createTracker({ minHits: 3, coastMs: 300 });
    const s = tr.adopt([100, 300, 200, 60], 0.3, 1000, 2500);
    expect(s).toMatchObject({ confirmed: true, box: [100, 300, 200, 60], lastSeenMs: 1000, detection: -1 });
    expect(tr.update([], 2000).map((t) => [t.id, t.box])).toEqual([[s.id, [100, 300, 200, 60]]]);
    expect(tr.update([], 3500).map((t) => t.id)).toEqual([s.id]);
    // Past the hold (and the 300 ms coast): no longer reported, still alive for a while.
    expect(tr.update([], 3600)).toEqual([]);
    expect(tr.tracks().map((t) => t.id)).toEqual([s.id]);
  });

  it('re-finds a lost track where the body lies instead of starting a second one', () => {
    const tr = createTracker({ minHits: 2 });
    tr.update([{ box: [100, 250, 200, 100], score: 0.9 }], 0);
    tr.update([{ box: [100, 260, 200, 90], score: 0.9 }], 100);
    const id = tr.tracks()[0]?.id ?? 0;
    tr.update([], 200);
    const s = tr.adopt([105, 290, 200, 60], 0.3, 700, 2500);
    expect(s.id).toBe(id);
    expect(tr.tracks()).toHaveLength(1);
    // The detector seeing the body again continues the same track.
    expect(tr.update([{ box: [105, 288, 200, 62], score: 0.5 }], 800).map((t) => t.id)).toEqual([id]);
  });
});

// Fit-side clips only (models/activity/split.json): GMDCSA24 subject 2 fall 14, where
// neither the detector nor the pose re-find keeps the person on the floor tracked.
const CLIP = footageClip('lying-sweep test', 'falls/gmdcsa24/Subject 2/Fall/14.mp4');
const HAVE_CLIP = CLIP !== null;
requireFootageOrWarn('lying-sweep test');

/**
 * Frames from `from` to `to` s with a lying person reported. `pipelined` submits every
 * frame before awaiting any (as `anyu analyze` does), so sweeps finish at other moments
 * than when each frame is awaited in turn.
 */
async function lyingFrames(source: string, from: number, to: number, options: VisionPipelineOptions, pipelined = false) {
  const pipeline = await createVisionPipeline({ size: 1, ...options });
  const flags: boolean[] = [];
  try {
    const results: { analysis: Promise<FrameAnalysis | null>; counted: boolean }[] = [];
    for await (const frame of readFrames({ source, fps: 10, realtime: false })) {
      if (frame.t > to) break;
      const analysis = pipeline.analyse('clip', frame);
      results.push({ analysis, counted: frame.t >= from });
      if (!pipelined) await analysis;
    }
    for (const r of results) {
      const a = await r.analysis;
      if (!a) throw new Error('a pipeline without burst analysis left a frame out');
      if (r.counted) flags.push(a.persons.some((p) => p.posture === 'lying'));
    }
    return { frames: flags.length, lying: flags.filter(Boolean).length, flags, stats: pipeline.stats() };
  } finally {
    await pipeline.close();
  }
}

describe.skipIf(!HAVE_CLIP)('lying-body sweep on a real body lying on the floor', () => {
  it('keeps the person on the floor counted where the detector and the re-find lose them', async () => {
    const without = await lyingFrames(CLIP as string, 6, 11, { lyingSweepByCamera: { clip: false } });
    const withSweep = await lyingFrames(CLIP as string, 6, 11, { lyingSweep: false, lyingSweepByCamera: { clip: {} } });
    console.info(`s2 fall 14, 6–11 s: a lying person on ${without.lying}/${without.frames} frames without the sweep, ${withSweep.lying}/${withSweep.frames} with (${withSweep.stats.sweeps} sweeps, ${withSweep.stats.adopted} adoptions)`);
    expect(without.stats.sweeps).toBe(0);
    expect(withSweep.frames).toBe(without.frames);
    expect(without.lying).toBeLessThan(without.frames * 0.5);
    expect(withSweep.lying).toBeGreaterThanOrEqual(withSweep.frames * 0.6);
    expect(withSweep.stats.adopted).toBeGreaterThan(0);
    // The sweep runs in the background, yet which frame adopts a body is fixed by media
    // time: all frames in flight at once give the same answer frame by frame.
    const inFlight = await lyingFrames(CLIP as string, 6, 11, {}, true);
    expect(inFlight.flags).toEqual(withSweep.flags);
    expect(inFlight.stats.adopted).toBe(withSweep.stats.adopted);
  }, 240_000);
});

describe.skipIf(!HAVE_CLIP)('fall sweep on a real fall the detector loses', () => {
  it('finds the person on the floor after the detector lost them mid-fall, on a camera without a lying-body sweep', async () => {
    const camera = { lyingSweep: false as const, poseRefind: {} };
    const without = await lyingFrames(CLIP as string, 4, 9, camera);
    const withFall = await lyingFrames(CLIP as string, 4, 9, { ...camera, fallSweep: {} });
    console.info(`s2 fall 14, 4–9 s: a lying person on ${without.lying}/${without.frames} frames without the fall sweep, ${withFall.lying}/${withFall.frames} with (${withFall.stats.fallSweeps} fall sweeps, ${withFall.stats.adopted} adoptions)`);
    expect(without.stats.sweeps).toBe(0);
    expect(withFall.stats.fallSweeps).toBeGreaterThan(0);
    expect(withFall.stats.fallSweeps).toBeLessThanOrEqual(4);
    expect(withFall.stats.adopted).toBeGreaterThan(0);
    expect(withFall.lying).toBeGreaterThan(without.lying + 10);
    // Which frames are swept and adopt is fixed by media time: all frames in flight at once, same answer.
    const inFlight = await lyingFrames(CLIP as string, 4, 9, { ...camera, fallSweep: {} }, true);
    expect(inFlight.flags).toEqual(withFall.flags);
    expect(inFlight.stats.fallSweeps).toBe(withFall.stats.fallSweeps);
  }, 300_000);
});

describe.skipIf(!HAVE_VTEST)('lying-body sweep on people walking (vtest.avi)', () => {
  it('adopts nobody: nobody lies there', async () => {
    const r = await lyingFrames(VTEST as string, 0, 10, {});
    console.info(`vtest 0–10 s: ${r.stats.sweeps} sweeps, ${r.stats.adopted} adoptions, ${(r.stats.sweepMs / Math.max(1, r.stats.sweeps)).toFixed(0)} ms a sweep`);
    expect(r.stats.sweeps).toBeGreaterThanOrEqual(9);
    expect(r.stats.adopted).toBe(0);
  }, 180_000);

  it('the fall sweep adopts nobody either, however often people vanish behind each other', async () => {
    const r = await lyingFrames(VTEST as string, 0, 10, { lyingSweep: false, fallSweep: {} });
    console.info(`vtest 0–10 s: ${r.stats.fallSweeps} fall sweeps, ${r.stats.adopted} adoptions`);
    // People do vanish there (behind others, out of the detector's sight): sweeps run, nobody lies.
    expect(r.stats.fallSweeps).toBeGreaterThan(0);
    expect(r.stats.sweeps).toBe(r.stats.fallSweeps);
    expect(r.stats.adopted).toBe(0);
  }, 180_000);
});
