/**
 * `node bin/run-ts.mjs models/eval/fall-trace.ts <clip id> [--fps F] [--calm-fps C [--burst JSON]] [--detect-every K] [--nap-room] [--no-fall-sweep] | [--pinned] [--rules '<json>']`: what the
 * fall rule saw on one clip, frame by frame — each person's track, score, box, torso
 * angle, head and hip height, the body state the rule derived, and the fall events —
 * with the clip's label per frame. For finding out why a clip is missed or fires falsely.
 * Reads (or fills) the same keypoint cache as `npm run eval:falls`. Look at `fit` clips
 * when tuning: the `report` side is for measuring only.
 */
import { parseArgs } from 'node:util';
import { bodyState } from '../../edge/analytics/pose-geometry.ts';
import { dataDir, loadClips } from '../activity/clips.ts';
import { extractClips } from '../activity/vision-source.ts';
import { replayFalls, REPLAY_T0 } from './fall-replay.ts';
import { extractOptions, PAD_SECONDS, parseRulesArg, parseSetup, SETUP_OPTIONS } from './falls-eval.ts';
import { runScript } from '../run-script.ts';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { rules: { type: 'string', default: '{}' }, ...SETUP_OPTIONS } });
  const root = dataDir();
  const id = positionals[0];
  if (!root || !id) {
    console.error('usage: ANYU_DATA_DIR=… node bin/run-ts.mjs models/eval/fall-trace.ts <clip id, e.g. gmdcsa24/Subject2/Fall/13> [--rules JSON]');
    return 2;
  }
  const info = loadClips(root).find((c) => c.id === id);
  if (!info) {
    console.error(`no clip ${id} in the split (ids look like urfd/fall-01-cam0, gmdcsa24/Subject1/Fall/13, vtest)`);
    return 2;
  }
  const setup = parseSetup(values);
  if (typeof setup === 'string') {
    console.error(setup);
    return 2;
  }
  const parsedRules = parseRulesArg(values.rules);
  if (typeof parsedRules === 'string') {
    console.error(parsedRules);
    return 2;
  }
  const { input: rulesInput, rules } = parsedRules;
  const [cached] = await extractClips([info], { concurrency: 1, ...extractOptions(setup) });
  if (!cached) throw new Error(`no keypoints for ${id}`);
  console.log(`${id} (${info.part}, ${info.kind}) ${cached.width}×${cached.height}, ${cached.frames.length} frames at ${cached.fps} fps; labelled start ${info.lyingStartS ?? '-'} s`);
  for (const f of cached.frames) {
    const people = f.persons.map((p) => {
      const st = bodyState(p.keypoints, p.box, rules.fall);
      const state = st.down ? 'DOWN' : st.upright ? 'up' : st.torsoUpright ? 'torso-up' : '-';
      const [x, y, w, h] = p.box.map((v) => Math.round(v));
      return `#${p.track} s${p.score.toFixed(2)} [${x},${y},${w}×${h}] torso ${st.torsoDeg === null ? '-' : Math.round(st.torsoDeg)}° head ${Math.round(st.headY)} hip ${st.hipY === null ? '-' : Math.round(st.hipY)} ${state} ${p.age}`;
    });
    console.log(`${f.t.toFixed(1).padStart(5)} ${(info.labelAt(f.t) ?? '?').padEnd(8)} ${people.join(' | ') || '(nobody)'}`);
  }
  const r = await replayFalls(cached, { classifier: null, padSeconds: PAD_SECONDS, rules: rulesInput });
  for (const e of r.events) console.log(`event ${e.type} at ${((Date.parse(e.at) - REPLAY_T0) / 1000).toFixed(1)} s${e.type === 'open' && e.evidence.reason ? ` — ${e.evidence.reason}` : ''}`);
  if (r.events.length === 0) console.log('no fall event');
  return 0;
}

runScript(main);
