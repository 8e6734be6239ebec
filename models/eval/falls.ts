/**
 * `npm run eval:falls [-- --part report|fit] [--write-card]`: the fall rule on real clips
 * it was not fitted on (the `report` side of models/activity/split.json, plus all of
 * vtest.avi), with and without the activity model. Prints a markdown table: clip-level
 * recall and specificity, false falls per hour of non-fall footage, latency from the
 * labelled start of lying to the incident, and the clips it gets wrong.
 * `--write-card` replaces the results section of models/activity/MODEL_CARD.md.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadActivityClassifier } from '../../edge/analytics/activity-classifier.ts';
import { RulesConfig, type RulesConfigInput } from '../../edge/analytics/config.ts';
import { dataDir, loadClips, type ClipInfo } from '../activity/clips.ts';
import { loadOrExtract, type CachedClip } from '../activity/keypoint-cache.ts';
import { createVisionSource } from '../activity/vision-source.ts';
import { replayFalls } from './fall-replay.ts';
import { writeBetweenMarkers } from './markers.ts';

const CARD = join(dirname(fileURLToPath(import.meta.url)), '../activity/MODEL_CARD.md');
const BEGIN = '<!-- eval:falls begin -->';
const END = '<!-- eval:falls end -->';
const PAD_SECONDS = 3;

interface Row {
  name: string;
  recall: string;
  specificity: string;
  falsePerHour: string;
  latency: string;
  missed: string[];
  falseClips: string[];
}

function fmt(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
}

async function evaluate(name: string, clips: { info: ClipInfo; cached: CachedClip }[], classifier: Parameters<typeof replayFalls>[1]['classifier'], rules: RulesConfigInput): Promise<Row> {
  let tp = 0;
  let fn = 0;
  let tn = 0;
  let fp = 0;
  let falseFalls = 0;
  let negSeconds = 0;
  const latencies: number[] = [];
  const missed: string[] = [];
  const falseClips: string[] = [];
  for (const { info, cached } of clips) {
    const r = await replayFalls(cached, { classifier, padSeconds: PAD_SECONDS, rules });
    if (info.kind === 'fall') {
      // A detection counts when it is not before the fall began (minus 1 s of label slack).
      const lyingAt = info.lyingStartS ?? 0;
      const hit = r.opens.find((t) => t >= lyingAt - 1.5);
      if (hit !== undefined) {
        tp += 1;
        latencies.push(hit - lyingAt);
      } else {
        fn += 1;
        missed.push(info.id);
      }
    } else {
      negSeconds += r.seconds;
      falseFalls += r.opens.length;
      if (r.opens.length > 0) {
        fp += 1;
        falseClips.push(`${info.id}×${r.opens.length}`);
      } else tn += 1;
    }
  }
  latencies.sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)] ?? NaN;
  const max = latencies[latencies.length - 1] ?? NaN;
  return {
    name,
    recall: `${fmt(tp / (tp + fn))} (${tp}/${tp + fn})`,
    specificity: `${fmt(tn / (tn + fp))} (${tn}/${tn + fp})`,
    falsePerHour: `${fmt(falseFalls / (negSeconds / 3600), 1)} (${falseFalls} in ${fmt(negSeconds / 60, 1)} min)`,
    latency: `${fmt(median, 1)} / ${fmt(max, 1)}`,
    missed,
    falseClips,
  };
}

function table(rows: Row[], part: string, window: number): string {
  const lines = [
    `Clips: \`${part}\` side of models/activity/split.json${part === 'report' ? ' plus all of vtest.avi' : ''}; analysed at 10 fps; confirmation window ${window} s; the last frame is held ${PAD_SECONDS} s after each clip ends (all clips alike).`,
    '',
    '| variant | recall (falls) | specificity (non-fall clips) | false falls per hour | latency median / max (s) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.name} | ${r.recall} | ${r.specificity} | ${r.falsePerHour} | ${r.latency} |`),
    '',
    ...rows.map((r) => `- ${r.name}: missed ${r.missed.length ? r.missed.join(', ') : 'none'}; false alarms ${r.falseClips.length ? r.falseClips.join(', ') : 'none'}`),
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { part: { type: 'string', default: 'report' }, 'write-card': { type: 'boolean', default: false } } });
  const root = dataDir();
  if (!root) {
    console.error('eval:falls needs the real clips: set ANYU_DATA_DIR (see ../shared/data/README.md)');
    return 2;
  }
  await tf.setBackend('cpu');
  const part = values.part === 'fit' ? 'fit' : 'report';
  const infos = loadClips(root).filter((c) => c.part === part);
  const source = createVisionSource();
  const clips: { info: ClipInfo; cached: CachedClip }[] = [];
  try {
    for (const info of infos) {
      clips.push({ info, cached: await loadOrExtract(info, { signature: source.signature, pipeline: source.pipeline, log: (m) => console.error(m) }) });
    }
  } finally {
    await source.close();
  }
  const rows: Row[] = [await evaluate('rules only (default)', clips, null, { fall: { model: 'off' } })];
  const full = join(dirname(CARD), 'model');
  const variants: [string, string | undefined, RulesConfigInput][] = [
    ['rules + model veto (permissive weights)', undefined, { fall: { model: 'veto' } }],
    ['rules + model assist (permissive weights)', undefined, { fall: { model: 'assist' } }],
    ['rules + model veto (full weights, non-commercial)', full, { fall: { model: 'veto' } }],
    ['rules + model assist (full weights, non-commercial)', full, { fall: { model: 'assist' } }],
  ];
  for (const [name, dir, rules] of variants) {
    const classifier = await loadActivityClassifier(dir ? { dir } : {}).catch((err: unknown) => {
      console.error(`${name}: ${(err as Error).message}`);
      return null;
    });
    if (!classifier) continue;
    rows.push(await evaluate(name, clips, classifier, rules));
    await classifier.dispose();
  }
  const out = table(rows, part, RulesConfig.parse({}).fall.confirmSeconds);
  console.log(out);
  if (values['write-card']) {
    await writeBetweenMarkers(CARD, BEGIN, END, `\nCommand: \`npm run eval:falls -- --part ${part}\`\n\n${out}\n`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
