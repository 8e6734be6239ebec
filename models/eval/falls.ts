/**
 * `npm run eval:falls [-- --part report|fit] [--fps F] [--calm-fps C [--burst JSON]] [--write-card]`: the fall rule on real clips
 * it was not fitted on (the `report` side of models/activity/split.json, plus all of
 * vtest.avi), with and without the activity model. Prints a markdown table: clip-level
 * recall and specificity, false falls per hour of non-fall footage, latency from the
 * labelled start of lying to the incident, and the clips it gets wrong.
 * `--write-card` replaces the results section of models/activity/MODEL_CARD.md (10 fps only).
 * `--fps 5` analyses 5 frames a second, the live edge's default (`camera.fps`), with its own
 * keypoint cache entries; the card's table and `npm test` use 10. `--calm-fps 5` (with the
 * default `--fps 10`) analyses as the live edge does by default: 5 frames a second, every
 * captured frame while someone goes down (burst analysis, edge/vision/burst.ts); `--burst`
 * sets other trigger settings (`'{"holdMs":0}'`: calm frames only, no bursts).
 * The same evaluation runs in `npm test` when footage is present (falls-eval.test.ts).
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { RulesConfig } from '../../edge/analytics/config.ts';
import { loadClips } from '../activity/clips.ts';
import { CACHE_FPS } from '../activity/keypoint-cache.ts';
import { CARD_BEGIN, CARD_END, evaluateFalls, formatBurstShare, evalSideArgs, formatFallTable, formatLyingCoverage, loadEvalClips, MODEL_CARD } from './falls-eval.ts';
import { writeBetweenMarkers } from './markers.ts';
import { runScript } from '../run-script.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { part: { type: 'string', default: 'report' }, fps: { type: 'string' }, 'calm-fps': { type: 'string' }, burst: { type: 'string' }, 'write-card': { type: 'boolean', default: false } } });
  const args = evalSideArgs('eval:falls', values);
  if (typeof args === 'string') {
    console.error(args);
    return 2;
  }
  const { root, part, fps, burst } = args;
  if (values['write-card'] && (fps !== CACHE_FPS || burst)) {
    console.error(`--write-card writes the card's ${CACHE_FPS} fps table; leave out --fps and --calm-fps`);
    return 2;
  }
  await tf.setBackend('cpu');
  const infos = loadClips(root).filter((c) => c.part === part);
  console.error(`eval:falls: keypoints of ${infos.length} clips (cached ones are read, the others extracted, 2 at a time)…`);
  const clips = await loadEvalClips(infos, { fps, ...(burst ? { burst } : {}), log: (m) => console.error(m) });
  const share = formatBurstShare(clips);
  const out = `${formatFallTable(await evaluateFalls(clips), part, RulesConfig.parse({}).fall.confirmSeconds, fps, burst)}\n\n${formatLyingCoverage(clips)}${share ? `\n\n${share}` : ''}`;
  console.log(out);
  if (values['write-card']) {
    await writeBetweenMarkers(MODEL_CARD, CARD_BEGIN, CARD_END, `\nCommand: \`npm run eval:falls -- --part ${part}\`\n\n${out}\n`);
  }
  return 0;
}

runScript(main);
