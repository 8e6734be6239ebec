/**
 * How many bodies lying still the vision pipeline misses, and what a second look finds:
 * on every frame labelled `lying` where the cached pipeline tracks nobody, a second model
 * proposes bodies (MoveNet MultiPose on the whole frame, or CenterNet's faint candidates
 * below the tracker's 0.3) and a body counts when its pose is confident and lying. The
 * same check on frames labelled not lying (every `--every`th; all of vtest.avi) counts the
 * lying bodies it would invent. One frame at a time, no tracking: the design study behind
 * the lying-body sweep (edge/vision/lying-sweep.ts; MODEL_CARD.md, "Fifth round").
 *
 * `ANYU_DATA_DIR=… node bin/run-ts.mjs models/eval/lying-probe.ts [--only urfd/]
 *   [--detector multipose|centernet] [--size 512x384] [--min 0.15] [--below 2]
 *   [--verify own|movenet] [--min-mean 0.2] [--min-sure 5] [--every 10] [--max 2] [--verbose]`
 * `--verify own` reads MultiPose's own keypoints, `movenet` runs MoveNet on each candidate's
 * crop. Reads (or fills) the keypoint cache of `npm run eval:falls`. Analysis only.
 */
import { parseArgs } from 'node:util';
import type { Box } from '../../protocol/index.ts';
import { readFrames } from '../../edge/capture/index.ts';
import type { Detection, Keypoint, RgbFrame } from '../../edge/types.ts';
import { iou } from '../../edge/vision/geometry.ts';
import { poseConfidence } from '../../edge/vision/keypoints.ts';
import { readManifest } from '../../edge/vision/model-loader.ts';
import { createCenternetDetector } from '../../edge/vision/models/centernet.ts';
import { createMovenetEstimator } from '../../edge/vision/models/movenet.ts';
import { createMultiposeDetector } from '../../edge/vision/models/multipose.ts';
import { classifyPosture } from '../../edge/vision/posture.ts';
import { createRuntime } from '../../edge/vision/runtime.ts';
import { dataDir, loadClips } from '../activity/clips.ts';
import { CACHE_FPS } from '../activity/keypoint-cache.ts';
import { extractClips } from '../activity/vision-source.ts';
import { runScript } from '../run-script.ts';

interface Row { lyingFrames: number; tracked: number; withCandidate: number; withPose: number; found: number; otherFrames: number; invented: number }

function positive(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0, not ${v}`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      detector: { type: 'string', default: 'multipose' },
      size: { type: 'string', default: '512x384' },
      min: { type: 'string', default: '0.15' },
      below: { type: 'string', default: '2' },
      verify: { type: 'string', default: 'own' },
      'min-mean': { type: 'string', default: '0.2' },
      'min-sure': { type: 'string', default: '5' },
      every: { type: 'string', default: '10' },
      max: { type: 'string', default: '2' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const root = dataDir();
  if (!root) {
    console.error('lying-probe needs the real clips: set ANYU_DATA_DIR');
    return 2;
  }
  if (values.detector !== 'multipose' && values.detector !== 'centernet') throw new Error(`--detector must be multipose or centernet, not ${values.detector}`);
  if (values.verify !== 'own' && values.verify !== 'movenet') throw new Error(`--verify must be own or movenet, not ${values.verify}`);
  if (values.detector === 'centernet' && values.verify === 'own') throw new Error('CenterNet has no keypoints: use --verify movenet with it');
  const [mw, mh] = (values.size ?? '').split('x').map(Number);
  if (!mw || !mh || mw % 32 || mh % 32) throw new Error(`--size must be WxH in multiples of 32, not ${values.size}`);
  const minScore = positive('min', values.min);
  const below = positive('below', values.below);
  const minMean = positive('min-mean', values['min-mean']);
  const minSure = positive('min-sure', values['min-sure']);
  const every = Math.max(1, Math.round(positive('every', values.every)));
  const maxChecks = Math.round(positive('max', values.max));

  const clips = loadClips(root).filter((c) => !values.only || c.id.includes(values.only));
  const cached = await extractClips(clips);
  const rt = await createRuntime({});
  const manifest = await readManifest();
  const det = values.detector === 'multipose' ? await createMultiposeDetector(rt.tf, manifest, mw, mh, minScore) : await createCenternetDetector(rt.tf, manifest, { inputWidth: 384, minScore });
  const pose = values.verify === 'movenet' ? await createMovenetEstimator(rt.tf, manifest) : null;

  const verified = (kps: Keypoint[] | null, box: Box): { lying: boolean } | null => {
    if (!kps) return null;
    const { mean, sure } = poseConfidence(kps);
    if (mean < minMean || sure.length < minSure) return null;
    return { lying: classifyPosture(kps, box) === 'lying' };
  };
  const rows = new Map<string, Row>();
  let ms = 0;
  let checks = 0;
  for (const [ci, clip] of clips.entries()) {
    const c = cached[ci];
    if (!c) continue;
    const r = rows.get(clip.dataset) ?? { lyingFrames: 0, tracked: 0, withCandidate: 0, withPose: 0, found: 0, otherFrames: 0, invented: 0 };
    rows.set(clip.dataset, r);
    const hits: string[] = [];
    let i = -1;
    for await (const frame of readFrames({ source: clip.file, fps: CACHE_FPS, realtime: false, ...(clip.crop ? { crop: clip.crop } : {}) })) {
      const cf = c.frames[++i];
      if (!cf) break;
      const label = clip.labelAt(frame.t);
      const lying = label === 'lying';
      // Falling and going-down frames are neither: a body there may or may not be lying.
      if (!lying && (label !== 'notLying' && clip.dataset !== 'vtest')) continue;
      if (!lying && i % every !== 0) continue;
      if (lying) {
        r.lyingFrames++;
        if (cf.persons.length > 0) {
          r.tracked++;
          continue;
        }
      } else r.otherFrames++;
      const t0 = performance.now();
      const cands = (await det.detect(frame as RgbFrame))
        .filter((d) => d.score < below && !cf.persons.some((p) => iou(p.box, d.box) > 0.3))
        .slice(0, maxChecks) as (Detection & { keypoints?: Keypoint[] })[];
      const kps = pose ? await pose.estimate(frame as RgbFrame, cands.map((d) => d.box)) : cands.map((d) => d.keypoints ?? null);
      ms += performance.now() - t0;
      checks++;
      const ok = cands.map((d, k) => verified(kps[k] ?? null, d.box));
      const lyingFound = ok.some((v) => v?.lying);
      if (values.verbose && lying) console.log(clip.id, frame.t.toFixed(1), JSON.stringify(cands.map((d, k) => ({ box: d.box.map(Math.round), score: +d.score.toFixed(2), ok: ok[k] }))));
      if (lying) {
        if (cands.length) r.withCandidate++;
        if (ok.some((v) => v)) r.withPose++;
        if (lyingFound) r.found++;
      } else if (lyingFound) r.invented++;
      if (lyingFound) hits.push(`${lying ? '' : '!'}${frame.t.toFixed(1)}`);
    }
    if (hits.length) console.log(`${clip.id}: ${hits.join(' ')} (! = on a frame not labelled lying)`);
  }
  console.log(`\n${det.name} ≥ ${minScore} (below ${below}), checked by ${values.verify === 'own' ? 'its own keypoints' : 'MoveNet on the crop'}: mean score ≥ ${minMean}, ≥ ${minSure} keypoints ≥ 0.3, posture lying\n`);
  console.log('| dataset | frames labelled lying | tracked already | untracked with a candidate | with a confident pose | + found lying | other frames checked | lying bodies invented |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [k, r] of rows) console.log(`| ${k} | ${r.lyingFrames} | ${r.tracked} | ${r.withCandidate} | ${r.withPose} | ${r.found} | ${r.otherFrames} | ${r.invented} |`);
  console.log(`\n${(ms / Math.max(1, checks)).toFixed(0)} ms per checked frame (${rt.backend}, one thread)`);
  await det.dispose();
  await pose?.dispose();
  return 0;
}

runScript(main);
