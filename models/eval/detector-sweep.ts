/**
 * Detector candidates on vtest, detection only (no tracker): count MAE, precision and
 * recall at IoU ≥ 0.5 and ms per frame, each at its best score threshold among a few.
 * `node bin/run-ts.mjs models/eval/detector-sweep.ts [--every 8]` (run under nice).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readFrames } from '../../edge/capture/index.ts';
import type { Detection, Detector, RgbFrame } from '../../edge/types.ts';
import { readManifest } from '../../edge/vision/model-loader.ts';
import { createCenternetDetector } from '../../edge/vision/models/centernet.ts';
import { createMultiposeDetector } from '../../edge/vision/models/multipose.ts';
import { createRuntime } from '../../edge/vision/runtime.ts';
import { createMotAccumulator, readMotGroundTruth } from './mot-metrics.ts';

const { values } = parseArgs({ options: { every: { type: 'string' } } });
const dataDir = process.env.ANYU_DATA_DIR;
if (!dataDir) throw new Error('detector-sweep needs ANYU_DATA_DIR');
const every = Number(values.every ?? 8);
const gt = await readMotGroundTruth(join(dataDir, 'media', 'vtest-gt.txt'));
const frames: RgbFrame[] = [];
for await (const f of readFrames({ source: join(dataDir, 'media', 'vtest.avi'), every, realtime: false })) frames.push(f);

const rt = await createRuntime({});
const manifest = await readManifest();
const thresholds = [0.2, 0.25, 0.3, 0.35, 0.4, 0.5];
const candidates: (() => Promise<Detector>)[] = [
  ...[320, 384, 448, 512, 640].map((w) => () => createCenternetDetector(rt.tf, manifest, { inputWidth: w, minScore: 0.2 })),
  ...[[256, 256], [384, 288], [512, 384], [768, 576]].map(([w, h]) => () => createMultiposeDetector(rt.tf, manifest, w as number, h as number, 0.1)),
];

console.log(`| candidate (${rt.backend}, 1 thread, ${frames.length} frames, every ${every}th) | best threshold | count MAE | precision | recall | ms/frame |`);
console.log('|---|---|---|---|---|---|');
for (const make of candidates) {
  const det = await make();
  await det.detect(frames[0] as RgbFrame);
  const all: Detection[][] = [];
  const t0 = performance.now();
  for (const f of frames) all.push(await det.detect(f));
  const ms = (performance.now() - t0) / frames.length;
  let best = { t: 0, mae: Infinity, p: 0, r: 0 };
  for (const t of thresholds) {
    const acc = createMotAccumulator(0.5);
    frames.forEach((f, i) => acc.add(gt.get(f.index) ?? [], (all[i] ?? []).filter((d) => d.score >= t).map((d, k) => ({ id: k, box: d.box }))));
    const m = acc.finish();
    if (m.countMae < best.mae) best = { t, mae: m.countMae, p: m.precision, r: m.recall };
  }
  console.log(`| ${det.name} | ${best.t} | ${best.mae.toFixed(2)} | ${best.p.toFixed(3)} | ${best.r.toFixed(3)} | ${ms.toFixed(0)} |`);
  await det.dispose();
}
