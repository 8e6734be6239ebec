/**
 * `npm run eval:falls [-- --part report|fit] [--fps F] [--calm-fps C [--burst JSON]] [--detect-every K] [--nap-room] [--no-fall-sweep] | [--pinned] [--write-card]`: the fall rule on real clips
 * it was not fitted on (the `report` side of models/activity/split.json, plus all of
 * vtest.avi), with and without the activity model. Prints a markdown table: clip-level
 * recall and specificity, false falls per hour of non-fall footage, latency from the
 * labelled start of lying to the incident, the clips it gets wrong, and 95 % Wilson
 * intervals of recall and specificity (models/eval/proportion.ts).
 * By default the clips are analysed as the live edge analyses a camera without a nap zone
 * (`EDGE_SETUP`: the edge's own pipeline with its defaults, captured at 10 frames a
 * second, 5 analysed, every captured one while someone goes down; edge/vision/burst.ts);
 * `--nap-room` as a camera with a nap zone (the lying-body sweep once a second),
 * `--no-fall-sweep` with `vision.fallSweep: false` (edge/vision/lying-sweep.ts), `--pinned`
 * with the training cache's pinned pipeline (the card's tables before its tenth round).
 * `--fps F` sets the capture rate, `--calm-fps C` the calm rate (equal to `--fps`: every
 * frame analysed, e.g. `--pinned --calm-fps 10` for the old 10 fps table, `--fps 5` for a
 * plain 5 fps), `--burst` other trigger settings (`'{"holdMs":0}'`: calm frames only),
 * `--detect-every K` the detector on every K-th calm frame only (the edge's
 * `vision.detectEvery`). Each setting has its own keypoint cache entries.
 * `--write-card` replaces the results section of models/activity/MODEL_CARD.md (default
 * setup only). The same evaluation runs in `npm test` when footage is present
 * (falls-eval.test.ts).
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { RulesConfig } from '../../edge/analytics/config.ts';
import { loadClips } from '../activity/clips.ts';
import { CARD_BEGIN, CARD_END, evalSideArgs, evaluateFalls, extractOptions, formatBurstShare, formatFallTable, formatLyingCoverage, loadEvalClips, MODEL_CARD, SETUP_OPTIONS } from './falls-eval.ts';
import { writeBetweenMarkers } from './markers.ts';
import { runScript } from '../run-script.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { part: { type: 'string', default: 'report' }, ...SETUP_OPTIONS, 'write-card': { type: 'boolean', default: false } } });
  const args = evalSideArgs('eval:falls', values);
  if (typeof args === 'string') {
    console.error(args);
    return 2;
  }
  const { root, part, setup } = args;
  const setupGiven = Object.keys(SETUP_OPTIONS).filter((k) => values[k as keyof typeof SETUP_OPTIONS] !== undefined);
  if (values['write-card'] && setupGiven.length > 0) {
    console.error(`--write-card writes the card's table for the default setup (a live edge camera without a nap zone); leave out ${setupGiven.map((k) => `--${k}`).join(', ')}`);
    return 2;
  }
  await tf.setBackend('cpu');
  const infos = loadClips(root).filter((c) => c.part === part);
  console.error(`eval:falls: keypoints of ${infos.length} clips (cached ones are read, the others extracted, 2 at a time)…`);
  const clips = await loadEvalClips(infos, { ...extractOptions(setup), log: (m) => console.error(m) });
  const share = formatBurstShare(clips);
  const out = `${formatFallTable(await evaluateFalls(clips), part, RulesConfig.parse({}).fall.confirmSeconds, setup)}\n\n${formatLyingCoverage(clips)}${share ? `\n\n${share}` : ''}`;
  console.log(out);
  if (values['write-card']) {
    await writeBetweenMarkers(MODEL_CARD, CARD_BEGIN, CARD_END, `\nCommand: \`npm run eval:falls -- --part ${part}\`\n\n${out}\n`);
  }
  return 0;
}

runScript(main);
