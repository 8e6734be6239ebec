/**
 * `node bin/run-ts.mjs models/eval/fall-reasons.ts [--part fit|report] [--fps F] [--calm-fps C [--burst JSON]] [--detect-every K] [--nap-room] [--no-fall-sweep] | [--pinned] [--rules '<json>']`:
 * every fall incident the rules raise on one side of the split, with the evidence that
 * confirmed it (path, head drop, peak head speed, descent time) and whether it was a real
 * fall: the numbers a fall-rule threshold is chosen from. Tune on `fit` (the default);
 * the `report` side is for measuring only. Reads (or fills) the `eval:falls` keypoint cache.
 */
import { parseArgs } from 'node:util';
import { loadClips } from '../activity/clips.ts';
import { replayFalls, REPLAY_T0 } from './fall-replay.ts';
import { countsAsDetection, evalSideArgs, extractOptions, loadEvalClips, PAD_SECONDS, parseRulesArg, SETUP_OPTIONS } from './falls-eval.ts';
import { runScript } from '../run-script.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { part: { type: 'string', default: 'fit' }, ...SETUP_OPTIONS, rules: { type: 'string', default: '{}' } } });
  const args = evalSideArgs('fall-reasons', values);
  if (typeof args === 'string') {
    console.error(args);
    return 2;
  }
  const { root, part, setup } = args;
  const parsedRules = parseRulesArg(values.rules);
  if (typeof parsedRules === 'string') {
    console.error(parsedRules);
    return 2;
  }
  const rules = parsedRules.input;
  const infos = loadClips(root).filter((c) => c.part === part);
  const clips = await loadEvalClips(infos, { ...extractOptions(setup), log: (m) => console.error(m) });
  console.log('| clip | kind | labelled start (s) | incident at (s) | counted as | evidence |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const { info, cached } of clips) {
    const r = await replayFalls(cached, { classifier: null, padSeconds: PAD_SECONDS, rules });
    const opens = r.events.filter((e) => e.type === 'open');
    const start = info.kind === 'fall' ? (info.lyingStartS ?? 0) : null;
    if (opens.length === 0) {
      console.log(`| ${info.id} | ${info.kind} | ${start ?? '-'} | - | ${info.kind === 'fall' ? 'missed' : 'correct'} | |`);
      continue;
    }
    for (const e of opens) {
      const at = (Date.parse(e.at) - REPLAY_T0) / 1000;
      const verdict = start === null ? 'false alarm' : countsAsDetection(info, at) ? 'detected' : 'too early';
      console.log(`| ${info.id} | ${info.kind} | ${start ?? '-'} | ${at.toFixed(1)} | ${verdict} | ${e.evidence.reason ?? ''} |`);
    }
  }
  return 0;
}

runScript(main);
