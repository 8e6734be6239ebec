/**
 * `node bin/run-ts.mjs models/eval/age-calibration.ts [--every N]`: calibrates the numbers
 * of the adult/child model (edge/vision/age.ts) on the daycare stills — the detection
 * stage's own boxes (room scene, the stills' 16:9 pixel aspect) matched to a label — and
 * says how well they carry to rooms they were not fitted on (2-fold, by room).
 *
 * The daycare frames may calibrate the model, never train a default model (their licence
 * is not stated): the model has 11 numbers, each a physical quantity (how tall and wide an
 * adult looks, how much smaller a child is, how sizes change with distance) that this
 * script prints with its spread across folds, not weights fitted to pixels.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Box } from '../../protocol/index.ts';
import { createAgeModel, defaultAgeOptions, type AgeOptions } from '../../edge/vision/age.ts';
import { createDetectionStage } from '../../edge/vision/detection.ts';
import { readManifest } from '../../edge/vision/model-loader.ts';
import { createRuntime } from '../../edge/vision/runtime.ts';
import { sceneSettings } from '../../edge/vision/scene.ts';
import { readDaycareFrames, readRgb, type LabelledFrame } from './labelled-frames.ts';
import { matchFrame } from './match.ts';
import { fmt, formatInterval } from './proportion.ts';
import { SET_PIXEL_ASPECT } from './rooms.ts';

/** One frame's detected people, each with the class of the label it matched (null: none, or a pasted cut-out). */
export interface CalibrationFrame {
  group: string;
  width: number;
  height: number;
  people: { box: Box; cls: 'adult' | 'child' | null }[];
}

const ln = Math.log;

function mean(a: readonly number[]): number {
  return a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
}
function sd(a: readonly number[]): number {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, a.length - 1));
}

function correlation(x: readonly number[], y: readonly number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * ((y[i] as number) - my);
    sxx += (v - mx) ** 2;
    syy += ((y[i] as number) - my) ** 2;
  });
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** Fits the model's size numbers on frames whose people carry a class (see AgeOptions). */
export function fitAgeOptions(frames: readonly CalibrationFrame[], pixelAspect: number): AgeOptions {
  const labelled = frames.map((f) => ({ f, people: f.people.filter((p) => p.cls !== null && p.box[1] + p.box[3] < f.height - 2 && p.box[1] > 2 && p.box[0] > 2 && p.box[0] + p.box[2] < f.width - 2) }));
  // Slope: ln height of the adults of one frame against their foot row (frames with ≥ 2 adults).
  let sxy = 0;
  let sxx = 0;
  for (const { f, people } of labelled) {
    const adults = people.filter((p) => p.cls === 'adult');
    if (adults.length < 2) continue;
    const ys = adults.map((p) => (p.box[1] + p.box[3]) / f.height);
    const hs = adults.map((p) => ln(p.box[3] / f.height));
    const my = mean(ys);
    const mh = mean(hs);
    ys.forEach((y, i) => {
      sxy += (y - my) * ((hs[i] as number) - mh);
      sxx += (y - my) ** 2;
    });
  }
  const slope = sxx > 0 ? sxy / sxx : defaultAgeOptions.slope;
  const size = (p: { box: Box }, f: CalibrationFrame) => {
    const foot = (p.box[1] + p.box[3]) / f.height - 0.5;
    return { h: ln(p.box[3] / f.height) - slope * foot, w: ln((p.box[2] * pixelAspect) / f.height) - slope * foot };
  };
  const scales: number[] = [];
  const adultH: number[] = [];
  const childH: number[] = [];
  const adultW: number[] = [];
  const childW: number[] = [];
  let adults = 0;
  let all = 0;
  for (const { f, people } of labelled) {
    all += people.length;
    const a = people.filter((p) => p.cls === 'adult').map((p) => size(p, f));
    adults += a.length;
    if (a.length === 0) continue;
    const scale = mean(a.map((s) => s.h));
    scales.push(scale);
    // An adult's spread around the frame's scale needs another adult to measure it against:
    // residuals against the frame's mean shrink by √((n−1)/n), so they are scaled back.
    const spread = a.length >= 2 ? Math.sqrt(a.length / (a.length - 1)) : 0;
    for (const p of people) {
      const s = size(p, f);
      if (p.cls === 'adult') {
        if (spread > 0) adultH.push((s.h - scale) * spread);
        adultW.push(s.w - scale);
      } else {
        childH.push(s.h - scale);
        childW.push(s.w - scale);
      }
    }
  }
  return {
    ...defaultAgeOptions,
    adultHeight: Math.exp(mean(scales)),
    scaleSd: sd(scales),
    slope,
    adultSd: sd(adultH),
    childOffset: mean(childH),
    childSd: sd(childH),
    adultWidth: mean(adultW),
    adultWidthSd: sd(adultW),
    childWidth: mean(childW),
    childWidthSd: sd(childW),
    childCorr: correlation(childH, childW),
    adultShare: adults / Math.max(1, all),
  };
}

/** First-frame calls of the fitted model on frames it was not fitted on: right, decided, unknown. */
export function scoreAgeOptions(frames: readonly CalibrationFrame[], o: AgeOptions, pixelAspect: number): { right: number; decided: number; unknown: number } {
  let right = 0;
  let decided = 0;
  let unknown = 0;
  for (const f of frames) {
    const model = createAgeModel(o);
    const probs = model.observe(f.people.map((p) => ({ box: p.box, posture: 'unknown' as const })), f.width, f.height, pixelAspect);
    f.people.forEach((p, i) => {
      if (p.cls === null) return;
      const pa = probs[i];
      const call = pa === null || pa === undefined ? 'unknown' : pa >= o.decide ? 'adult' : pa <= 1 - o.decide ? 'child' : 'unknown';
      if (call === 'unknown') unknown++;
      else {
        decided++;
        if (call === p.cls) right++;
      }
    });
  }
  return { right, decided, unknown };
}

export async function detectForCalibration(frames: readonly LabelledFrame[], pixelAspect: number, progress?: (d: number, n: number) => void): Promise<CalibrationFrame[]> {
  const rt = await createRuntime({});
  const room = sceneSettings.room.detection;
  const stage = await createDetectionStage(rt.tf, await readManifest(), { ...room });
  const out: CalibrationFrame[] = [];
  try {
    for (const [i, f] of frames.entries()) {
      const rgb = { ...(await readRgb(f.path)), pixelAspect };
      // The tracker starts people at its start threshold: calibrate on what it would report.
      const dets = (await stage.detect(rgb)).filter((d) => d.score >= (sceneSettings.room.tracker.highScore ?? 0));
      const m = matchFrame(dets, f.persons, 0.4);
      const cls = new Map<number, 'adult' | 'child'>();
      for (const [di, ti] of m.pairs) {
        const c = f.persons[ti]?.cls;
        if (c === 'adult' || c === 'child') cls.set(di, c);
      }
      out.push({ group: f.group, width: rgb.width, height: rgb.height, people: dets.map((d, k) => ({ box: d.box, cls: cls.get(k) ?? null })) });
      progress?.(i + 1, frames.length);
    }
  } finally {
    await stage.dispose();
  }
  return out;
}

function foldOf(group: string): number {
  let h = 7;
  for (const c of group) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % 2;
}

if (process.argv[1]?.endsWith('age-calibration.ts')) {
  const { values } = parseArgs({ options: { every: { type: 'string' }, cache: { type: 'string' } } });
  const dataDir = process.env.ANYU_DATA_DIR;
  if (!dataDir) {
    console.error('age-calibration needs ANYU_DATA_DIR (the folder holding childcare/daycare)');
    process.exit(2);
  }
  const every = Number(values.every ?? 1);
  const frames = (await readDaycareFrames(dataDir)).filter((_, i) => i % every === 0);
  // --cache FILE keeps the detections between runs (they take minutes; the fit takes none).
  const cached = values.cache && existsSync(values.cache) ? (JSON.parse(await readFile(values.cache, 'utf8')) as CalibrationFrame[]) : null;
  const cal =
    cached ??
    (await detectForCalibration(frames, SET_PIXEL_ASPECT, (d, n) => {
      if (d % 50 === 0 || d === n) process.stderr.write(`detected ${d}/${n}\n`);
    }));
  if (values.cache && !cached) await writeFile(values.cache, JSON.stringify(cal));
  const fitted = fitAgeOptions(cal, SET_PIXEL_ASPECT);
  const keys = ['adultHeight', 'scaleSd', 'slope', 'adultSd', 'childOffset', 'childSd', 'adultWidth', 'adultWidthSd', 'childWidth', 'childWidthSd', 'childCorr', 'adultShare'] as const;
  const folds = [0, 1].map((k) => fitAgeOptions(cal.filter((f) => foldOf(f.group) !== k), SET_PIXEL_ASPECT));
  console.log('| number | all frames | fold A | fold B |\n| --- | --- | --- | --- |');
  for (const key of keys) console.log(`| ${key} | ${fmt(fitted[key], 3)} | ${fmt((folds[0] as AgeOptions)[key], 3)} | ${fmt((folds[1] as AgeOptions)[key], 3)} |`);
  console.log('\nFirst-frame calls on the rooms not fitted on (2-fold by room), people the detector found and matched to a label:\n');
  console.log('| decide at | right / decided | unknown share |\n| --- | --- | --- |');
  for (const slopeSd of [0, 0.3, 0.6]) for (const decide of [0.6, 0.7, 0.8]) {
    let right = 0;
    let decided = 0;
    let unknown = 0;
    for (const k of [0, 1]) {
      const s = scoreAgeOptions(cal.filter((f) => foldOf(f.group) === k), { ...(folds[1 - k] as AgeOptions), decide, slopeSd }, SET_PIXEL_ASPECT);
      right += s.right;
      decided += s.decided;
      unknown += s.unknown;
    }
    console.log(`| ${decide} (slope sd ${slopeSd}) | ${fmt(right / decided)} (${right}/${decided}; ${formatInterval(right, decided)}) | ${fmt(unknown / (decided + unknown))} |`);
  }
}
