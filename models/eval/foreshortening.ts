/**
 * Can a body lying along the camera's line of sight be told by its foreshortened torso?
 * For every tracked person with both shoulders and both hips in the keypoint cache of
 * `npm run eval:falls` (all clips, fit and report, and vtest.avi), the torso length
 * (shoulder midpoint to hip midpoint) over the shoulder width, by dataset, frame label
 * and the posture the pipeline gave; then, for thresholds R, how many frames labelled
 * lying whose posture is not `lying` fall below R, against how many frames labelled not
 * lying do. A person seen lying along the line of sight keeps a near-vertical torso in the
 * image, so `posture.ts` (torso angle) does not call them lying (MODEL_CARD.md, "Fifth
 * round"); a short torso for the shoulders' width is the cue measured here.
 *
 * `ANYU_DATA_DIR=… node bin/run-ts.mjs models/eval/foreshortening.ts [--only urfd/]`
 * Reads (or fills) the keypoint cache. Analysis only: nothing in the product uses it yet.
 */
import { parseArgs } from 'node:util';
import { KP, distance, midpoint, point, type Point } from '../../edge/vision/keypoints.ts';
import { dataDir, loadClips } from '../activity/clips.ts';
import { extractClips } from '../activity/vision-source.ts';
import { runScript } from '../run-script.ts';

const THRESHOLDS = [0.5, 0.6, 0.7, 0.8];

interface Sample {
  group: string;
  clip: string;
  label: string;
  posture: string;
  ratio: number;
}

function quantile(sorted: readonly number[], p: number): string {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number).toFixed(2) : '–';
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const root = dataDir();
  if (!root) {
    console.error('foreshortening needs the real clips: set ANYU_DATA_DIR');
    return 2;
  }
  const clips = loadClips(root).filter((c) => !values.only || c.id.includes(values.only));
  const cached = await extractClips(clips, { log: (m) => console.error(m) });
  const samples: Sample[] = [];
  clips.forEach((clip, i) => {
    for (const frame of cached[i]?.frames ?? []) {
      const label = clip.dataset === 'vtest' ? 'notLying' : (clip.labelAt(frame.t) ?? 'unlabelled');
      for (const p of frame.persons) {
        const kps = p.keypoints;
        const ls = kps && point(kps, KP.leftShoulder);
        const rs = kps && point(kps, KP.rightShoulder);
        const hips = kps && midpoint(kps, KP.leftHip, KP.rightHip);
        if (!kps || !ls || !rs || !hips) continue;
        const width = distance(ls, rs);
        if (width < 2) continue;
        const shoulders: Point = [(ls[0] + rs[0]) / 2, (ls[1] + rs[1]) / 2];
        samples.push({ group: `${clip.dataset} | ${label} | ${p.posture}`, clip: clip.id, label, posture: p.posture, ratio: distance(shoulders, hips) / width });
      }
    }
  });

  console.log('Torso length / shoulder width of tracked people with both shoulders and hips\n');
  console.log('| dataset | frame label | posture given | samples | p5 | p25 | median | p75 | p95 |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const groups = new Map<string, number[]>();
  for (const s of samples) {
    const xs = groups.get(s.group);
    if (xs) xs.push(s.ratio);
    else groups.set(s.group, [s.ratio]);
  }
  for (const [g, xs] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...xs].sort((a, b) => a - b);
    console.log(`| ${g} | ${xs.length} | ${[0.05, 0.25, 0.5, 0.75, 0.95].map((p) => quantile(sorted, p)).join(' | ')} |`);
  }
  const missed = samples.filter((s) => s.label === 'lying' && s.posture !== 'lying');
  const others = samples.filter((s) => s.label === 'notLying');
  const othersNotLying = others.filter((s) => s.posture !== 'lying');
  console.log('\n| R | labelled lying, posture not `lying`, ratio < R | labelled not lying, ratio < R | of which posture not `lying` | clips of those |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of THRESHOLDS) {
    const below = othersNotLying.filter((s) => s.ratio < r);
    console.log(`| ${r} | ${missed.filter((s) => s.ratio < r).length} / ${missed.length} | ${others.filter((s) => s.ratio < r).length} / ${others.length} | ${below.length} | ${[...new Set(below.map((s) => s.clip))].join(', ') || '–'} |`);
  }
  return 0;
}

runScript(main);
