/**
 * The fall evaluation shared by `npm run eval:falls` and the test that runs it on every
 * `npm test` with footage (tests/analytics/falls-eval.test.ts): replays cached keypoints
 * of labelled clips through the edge's analytics and scores clip-level recall and
 * specificity, false falls per hour of non-fall footage and latency, per variant.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadActivityClassifier, type LoadedActivityClassifier } from '../../edge/analytics/activity-classifier.ts';
import { RulesConfig, type RulesConfigInput } from '../../edge/analytics/config.ts';
import { formatIssues } from '../../edge/config/load.ts';
import type { ActivityClassifier } from '../../edge/types.ts';
import { DEFAULT_BURST_FPS, DEFAULT_CAMERA_FPS } from '../../edge/config/schema.ts';
import { parseBurstOptions, type BurstOptions } from '../../edge/vision/burst.ts';
import { dataDir, type ClipInfo } from '../activity/clips.ts';
import type { CachedClip } from '../activity/keypoint-cache.ts';
import { extractClips, type ExtractClipsOptions } from '../activity/vision-source.ts';
import { replayFalls } from './fall-replay.ts';
import { clipsToShow, fmt, formatInterval } from './proportion.ts';

export const MODEL_CARD = join(dirname(fileURLToPath(import.meta.url)), '../activity/MODEL_CARD.md');
export const CARD_BEGIN = '<!-- eval:falls begin -->';
export const CARD_END = '<!-- eval:falls end -->';
/** Seconds the last frame is held after a clip ends (URFD falls end < 1 s after lying starts). */
export const PAD_SECONDS = 3;
/** A detection counts when it opens no earlier than this before the labelled start. */
export const LABEL_SLACK_SECONDS = 1.5;

/** Whether a fall incident opened at clip time `t` (s) detects the labelled fall of `info`. */
export function countsAsDetection(info: ClipInfo, t: number): boolean {
  return t >= (info.lyingStartS ?? 0) - LABEL_SLACK_SECONDS;
}

/**
 * The rates the fall evaluations run at unless told otherwise: the live edge's defaults
 * (frames captured at `camera.burstFps`, analysed at `camera.fps` and every one while
 * someone goes down), so the model card's table and `npm test` measure what ships.
 */
export const EDGE_RATES = { fps: DEFAULT_BURST_FPS, calmFps: DEFAULT_CAMERA_FPS } as const;

/** `--fps` of the fall evaluations: frames captured per second, or an error message. */
export function parseFps(value: string | undefined): number | string {
  const fps = Number(value ?? EDGE_RATES.fps);
  return Number.isFinite(fps) && fps > 0 && fps <= 30 ? fps : `--fps must be a number of frames per second in (0, 30], not ${value}`;
}

export type EvalBurst = Partial<BurstOptions> & { calmFps: number };

/**
 * `--calm-fps C [--burst '<json>']` of the fall evaluations: burst analysis
 * (edge/vision/burst.ts) at calm rate C (default the edge's 5, or `fps` when that is
 * lower) below the capture rate `fps`, with the edge's default trigger unless `--burst`
 * sets other `BurstOptions`; undefined when C equals `fps` (every captured frame
 * analysed, as `burstFps ≤ fps` turns bursts off on the edge), or an error message.
 */
export function parseBurstArgs(calmValue: string | undefined, burstJson: string | undefined, fps: number): EvalBurst | undefined | string {
  const calmFps = calmValue === undefined ? Math.min(EDGE_RATES.calmFps, fps) : Number(calmValue);
  if (!(Number.isFinite(calmFps) && calmFps > 0 && calmFps <= fps)) return `--calm-fps must be a number of frames per second up to --fps (${fps}), not ${calmValue}`;
  if (calmFps === fps) return burstJson === undefined ? undefined : `--burst needs a --calm-fps below --fps (${fps}): at ${fps} every frame is analysed`;
  let input: unknown = {};
  try {
    input = JSON.parse(burstJson ?? '{}');
  } catch (err) {
    return `--burst must be JSON: ${(err as Error).message}`;
  }
  const opts = parseBurstOptions(input);
  if (typeof opts === 'string') return `--burst: ${opts}`;
  if (opts.calmFps !== undefined) return '--burst: give the calm rate as --calm-fps';
  return { ...opts, calmFps };
}

/** `--detect-every k` of the fall evaluations (the edge's `vision.detectEvery`, default 1), or an error message. */
export function parseDetectEvery(value: string | undefined): number | string {
  const k = Number(value ?? 1);
  return Number.isInteger(k) && k >= 1 && k <= 10 ? k : `--detect-every must be a whole number of frames from 1 to 10, not ${value}`;
}

/** How the clips are extracted: capture rate, burst analysis, detection schedule, and which pipeline. */
export interface EvalSetup {
  fps: number;
  burst: EvalBurst | undefined;
  detectEvery: number;
  /**
   * The live edge's pipeline for a camera without or with a `nap` zone, with or without
   * the fall sweep (`vision.fallSweep`); undefined: the training cache's pinned one.
   */
  edge: { napRoom: boolean; fallSweep: boolean } | undefined;
}

/** What `npm run eval:falls` and `npm test` measure unless told otherwise: a live edge camera with its defaults, no nap zone. */
export const EDGE_SETUP: EvalSetup = { fps: EDGE_RATES.fps, burst: { calmFps: EDGE_RATES.calmFps }, detectEvery: 1, edge: { napRoom: false, fallSweep: true } };

export interface SetupArgs {
  fps?: string | undefined;
  'calm-fps'?: string | undefined;
  burst?: string | undefined;
  'detect-every'?: string | undefined;
  pinned?: boolean | undefined;
  'nap-room'?: boolean | undefined;
  'no-fall-sweep'?: boolean | undefined;
}

/** The `--fps` / `--calm-fps` / `--burst` / `--detect-every` / `--pinned` / `--nap-room` / `--no-fall-sweep` arguments of the fall evaluations, or what is wrong with them. */
export function parseSetup(values: SetupArgs): EvalSetup | string {
  const fps = parseFps(values.fps);
  if (typeof fps === 'string') return fps;
  const burst = parseBurstArgs(values['calm-fps'], values.burst, fps);
  if (typeof burst === 'string') return burst;
  const detectEvery = parseDetectEvery(values['detect-every']);
  if (typeof detectEvery === 'string') return detectEvery;
  if (values.pinned && values['nap-room']) return '--nap-room is a live edge camera; --pinned is the training cache\'s pipeline: give one';
  if (values.pinned && values['no-fall-sweep']) return '--no-fall-sweep is a live edge setting; the pinned pipeline (--pinned) has no fall sweep';
  return { fps, burst, detectEvery, edge: values.pinned ? undefined : { napRoom: values['nap-room'] === true, fallSweep: values['no-fall-sweep'] !== true } };
}

/** The options `extractClips` takes for `setup`. */
export function extractOptions(setup: EvalSetup): ExtractClipsOptions {
  return { fps: setup.fps, ...(setup.burst ? { burst: setup.burst } : {}), detectEvery: setup.detectEvery, ...(setup.edge ? { edge: setup.edge } : {}) };
}

/** `--rules '<json>'` of the fall evaluation scripts: the input (replayed as given) and its parsed config, or what is wrong with it. */
export function parseRulesArg(json: string | undefined): { input: RulesConfigInput; rules: RulesConfig } | string {
  let input: unknown;
  try {
    input = JSON.parse(json ?? '{}');
  } catch (err) {
    return `--rules must be JSON: ${(err as Error).message}`;
  }
  const parsed = RulesConfig.safeParse(input);
  return parsed.success ? { input: input as RulesConfigInput, rules: parsed.data } : `--rules is not a valid rules config: ${formatIssues(parsed.error.issues).join('; ')}`;
}

/** The footage, `--part` and the setup arguments of the fall evaluations (`eval:falls`, fall-reasons.ts), or what is wrong with them. */
export function evalSideArgs(script: string, values: SetupArgs & { part?: string | undefined }): { root: string; part: 'fit' | 'report'; setup: EvalSetup } | string {
  const root = dataDir();
  if (!root) return `${script} needs the real clips: set ANYU_DATA_DIR (see ../shared/data/README.md)`;
  if (values.part !== 'report' && values.part !== 'fit') return `--part must be report or fit, not ${values.part}`;
  const setup = parseSetup(values);
  return typeof setup === 'string' ? setup : { root, part: values.part, setup };
}

/** The parseArgs options of the setup arguments. */
export const SETUP_OPTIONS = {
  fps: { type: 'string' },
  'calm-fps': { type: 'string' },
  burst: { type: 'string' },
  'detect-every': { type: 'string' },
  pinned: { type: 'boolean' },
  'nap-room': { type: 'boolean' },
  'no-fall-sweep': { type: 'boolean' },
} as const;

/**
 * How the clips were analysed, for the tables: `10 fps`, or `5 fps, 10 while someone goes
 * down`, and `detection on 1 calm frame in 2` for `detectEvery` 2.
 */
export function rateLabel(fps: number, burst: EvalBurst | undefined, detectEvery = 1): string {
  const detect = detectEvery > 1 ? `; detection on 1 ${burst ? 'calm ' : ''}frame in ${detectEvery}` : '';
  if (!burst) return `${fps} fps${detect}`;
  const { calmFps, ...trigger } = burst;
  const changed = Object.keys(trigger).length ? ` (burst analysis, trigger ${JSON.stringify(trigger)})` : ' (burst analysis, the edge default)';
  return `${calmFps} fps, ${fps} while someone goes down${changed}${detect}`;
}

/** Which pipeline extracted the keypoints, for the tables. */
export function pipelineLabel(edge: EvalSetup['edge']): string {
  if (!edge) return "the training cache's pinned pipeline (a pose for every tracked person, the lying-body sweep applied on the swept frame)";
  const fall = edge.fallSweep ? ', a fall sweep when someone vanishes in view or is lost going down' : ', no fall sweep';
  return edge.napRoom
    ? `the live edge's pipeline for a camera with a nap zone (lying-body sweep once a second${fall})`
    : `the live edge's pipeline for a camera without a nap zone (its defaults: 2 poses a frame, no lying-body sweep${fall})`;
}

export interface EvalClip {
  info: ClipInfo;
  cached: CachedClip;
}

export interface FallEvalRow {
  name: string;
  tp: number;
  fn: number;
  tn: number;
  fp: number;
  /** Fall incidents opened on non-fall footage, and that footage's length. */
  falseFalls: number;
  negSeconds: number;
  /** False falls on vtest.avi alone (the issue's target is none). */
  vtestFalseFalls: number;
  /** Seconds from the labelled start to the incident, per detected fall, ascending. */
  latencies: number[];
  missed: string[];
  falseClips: string[];
}

export interface FallVariant {
  name: string;
  /** Activity model folder; undefined = the default (permissive) weights; null = no model. */
  modelDir: string | undefined | null;
  rules: RulesConfigInput;
}

const FULL_WEIGHTS = join(dirname(MODEL_CARD), 'model');

/** The variants of the table. The first is the shipped default. */
export const VARIANTS: FallVariant[] = [
  { name: 'rules only (default)', modelDir: null, rules: { fall: { model: 'off' } } },
  { name: 'rules + model veto (permissive weights)', modelDir: undefined, rules: { fall: { model: 'veto' } } },
  { name: 'rules + model assist (permissive weights)', modelDir: undefined, rules: { fall: { model: 'assist' } } },
  { name: 'rules + model veto (full weights, non-commercial)', modelDir: FULL_WEIGHTS, rules: { fall: { model: 'veto' } } },
  { name: 'rules + model assist (full weights, non-commercial)', modelDir: FULL_WEIGHTS, rules: { fall: { model: 'assist' } } },
];

/** The cached (or freshly extracted) keypoints of `infos`, paired with their clip info. */
export async function loadEvalClips(infos: readonly ClipInfo[], opts: ExtractClipsOptions = {}): Promise<EvalClip[]> {
  const cached = await extractClips(infos, opts);
  return infos.map((info, i) => ({ info, cached: cached[i] as CachedClip }));
}

export function emptyRow(name: string): FallEvalRow {
  return { name, tp: 0, fn: 0, tn: 0, fp: 0, falseFalls: 0, negSeconds: 0, vtestFalseFalls: 0, latencies: [], missed: [], falseClips: [] };
}

/** Scores `clips` into `row` (a fresh one by default; cross-validation adds its folds up in one). */
export async function scoreVariant(name: string, clips: EvalClip[], classifier: ActivityClassifier | null, rules: RulesConfigInput, row: FallEvalRow = emptyRow(name)): Promise<FallEvalRow> {
  for (const { info, cached } of clips) {
    const r = await replayFalls(cached, { classifier, padSeconds: PAD_SECONDS, rules });
    if (info.kind === 'fall') {
      const lyingAt = info.lyingStartS ?? 0;
      const hit = r.opens.find((t) => countsAsDetection(info, t));
      if (hit !== undefined) {
        row.tp += 1;
        row.latencies.push(hit - lyingAt);
      } else {
        row.fn += 1;
        row.missed.push(info.id);
      }
      continue;
    }
    row.negSeconds += r.seconds;
    row.falseFalls += r.opens.length;
    if (info.dataset === 'vtest') row.vtestFalseFalls += r.opens.length;
    if (r.opens.length > 0) {
      row.fp += 1;
      row.falseClips.push(`${info.id}×${r.opens.length}`);
    } else row.tn += 1;
  }
  row.latencies.sort((a, b) => a - b);
  return row;
}

/**
 * Scores every variant whose weights load (a variant whose weights fail is reported and
 * left out). Each weights folder is loaded once, however many variants use it.
 */
export async function evaluateFalls(clips: EvalClip[], variants: FallVariant[] = VARIANTS, log: (msg: string) => void = console.error): Promise<FallEvalRow[]> {
  const loaded = new Map<string | undefined, Promise<LoadedActivityClassifier | null>>();
  const classifierFor = (dir: string | undefined) => {
    let c = loaded.get(dir);
    if (!c) {
      c = loadActivityClassifier(dir ? { dir } : {}).catch((err: unknown) => {
        log(`activity weights ${dir ?? '(default)'}: ${(err as Error).message}`);
        return null;
      });
      loaded.set(dir, c);
    }
    return c;
  };
  const rows: FallEvalRow[] = [];
  try {
    for (const v of variants) {
      const classifier = v.modelDir === null ? null : await classifierFor(v.modelDir);
      if (v.modelDir !== null && !classifier) continue;
      rows.push(await scoreVariant(v.name, clips, classifier, v.rules));
    }
  } finally {
    for (const c of loaded.values()) await (await c)?.dispose();
  }
  return rows;
}

export function formatFallTable(rows: FallEvalRow[], part: string, confirmSeconds: number, setup: EvalSetup): string {
  const cells = (r: FallEvalRow): string => {
    const median = r.latencies[Math.floor(r.latencies.length / 2)] ?? NaN;
    const max = r.latencies[r.latencies.length - 1] ?? NaN;
    return [
      r.name,
      `${fmt(r.tp / (r.tp + r.fn))} (${r.tp}/${r.tp + r.fn})`,
      `${fmt(r.tn / (r.tn + r.fp))} (${r.tn}/${r.tn + r.fp})`,
      `${fmt(r.falseFalls / (r.negSeconds / 3600), 1)} (${r.falseFalls} in ${fmt(r.negSeconds / 60, 1)} min)`,
      `${fmt(median, 1)} / ${fmt(max, 1)}`,
    ].join(' | ');
  };
  return [
    `Clips: \`${part}\` side of models/activity/split.json${part === 'report' ? ' plus all of vtest.avi' : ''}; analysed at ${rateLabel(setup.fps, setup.burst, setup.detectEvery)} by ${pipelineLabel(setup.edge)}; confirmation window ${confirmSeconds} s; the last frame is held ${PAD_SECONDS} s after each clip ends (all clips alike).`,
    '',
    '| variant | recall (falls) | specificity (non-fall clips) | false falls per hour | latency median / max (s) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${cells(r)} |`),
    '',
    ...rows.map((r) => `- ${r.name}: missed ${r.missed.length ? r.missed.join(', ') : 'none'}; false alarms ${r.falseClips.length ? r.falseClips.join(', ') : 'none'}${part === 'report' ? `; on vtest.avi ${r.vtestFalseFalls}` : ''}`),
    '',
    formatIntervals(rows),
  ].join('\n');
}

/** 95 % Wilson intervals of each variant's recall and specificity, and what a 0.95 target would take. */
export function formatIntervals(rows: readonly FallEvalRow[], target = 0.95): string {
  const parts = rows.map((r) => `${r.name}: recall ${formatInterval(r.tp, r.tp + r.fn)}, specificity ${formatInterval(r.tn, r.tn + r.fp)}`);
  return `95 % Wilson intervals (clip counts are small, so the intervals are wide): ${parts.join('; ')}. A lower bound of ${target} needs at least ${clipsToShow(target)} clips, every one right.`;
}

/**
 * How often the vision pipeline tracks anybody on frames labelled `lying`, per dataset: a
 * fall the detector cannot see on the floor can only be caught on the way down.
 */
export function formatLyingCoverage(clips: readonly EvalClip[]): string {
  const by = new Map<string, { lying: number; seen: number }>();
  for (const { info, cached } of clips) {
    const c = by.get(info.dataset) ?? { lying: 0, seen: 0 };
    for (const f of cached.frames) {
      if (info.labelAt(f.t) !== 'lying') continue;
      c.lying += 1;
      if (f.persons.length > 0) c.seen += 1;
    }
    by.set(info.dataset, c);
  }
  const parts = [...by].filter(([, c]) => c.lying > 0).map(([d, c]) => `${d} ${c.seen}/${c.lying} (${Math.round((100 * c.seen) / c.lying)} %)`);
  return `Frames labelled lying with a tracked person: ${parts.join(', ') || 'none labelled'}.`;
}

/**
 * What burst analysis cost: frames analysed beyond the calm ones, per calm frame, over
 * the fall clips, the other clips and vtest.avi alone; null for clips analysed at one rate.
 */
export function formatBurstShare(clips: readonly EvalClip[]): string | null {
  const sums = new Map<string, { extra: number; calm: number }>();
  for (const { info, cached } of clips) {
    if (!cached.calmFps || cached.captured === undefined) continue;
    // Calm frames: one per 1/calmFps of the captured media time (the first of each bucket).
    const calm = Math.ceil((cached.captured * cached.calmFps) / cached.fps);
    const group = info.id === 'vtest' ? 'vtest.avi' : info.kind === 'fall' ? 'fall clips' : 'non-fall clips';
    const s = sums.get(group) ?? { extra: 0, calm: 0 };
    s.extra += cached.frames.length - calm;
    s.calm += calm;
    sums.set(group, s);
  }
  if (sums.size === 0) return null;
  const parts = ['fall clips', 'non-fall clips', 'vtest.avi'].filter((g) => sums.has(g)).map((g) => {
    const s = sums.get(g) as { extra: number; calm: number };
    return `${g} ${(s.extra / Math.max(1, s.calm)).toFixed(2)}`;
  });
  return `Burst analysis: frames analysed during bursts per calm frame: ${parts.join(', ')}.`;
}

/** Counts of one variant as written in the model card's results section (what the test compares against). */
export interface CardCounts {
  tp: number;
  falls: number;
  tn: number;
  negatives: number;
}

export function cardCounts(card: string, variant: string): CardCounts | null {
  const a = card.indexOf(CARD_BEGIN);
  const b = card.indexOf(CARD_END);
  if (a < 0 || b < a) return null;
  const line = card
    .slice(a, b)
    .split('\n')
    .find((l) => l.startsWith(`| ${variant} |`));
  const m = line?.match(/\((\d+)\/(\d+)\)\s*\|[^|]*\((\d+)\/(\d+)\)/);
  if (!m) return null;
  return { tp: Number(m[1]), falls: Number(m[2]), tn: Number(m[3]), negatives: Number(m[4]) };
}
