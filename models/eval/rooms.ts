/**
 * `npm run eval:childcare` (daycare rooms) and `npm run eval:cctv` (care wards):
 * `node bin/run-ts.mjs models/eval/rooms.ts --set daycare|care [--every N] [--plays N]
 *  [--peer centernet|none] [--scene room|open] [--pixel-aspect X] [--no-readme] [--pin]`.
 *
 * Our pipeline on every labelled still as a camera seeing its room for the first time
 * (stills-eval.ts), side by side with the `@vladmandic/human` peer's CenterNet (its
 * default threshold) on the same stills; prints the table and writes it into
 * models/README.md between the set's markers (unless --no-readme or a subset).
 * A whole-set run that writes the README (and `--pin` with `--every PIN_EVERY --peer none`)
 * also writes the headline figures of every PIN_EVERY[set]-th still into
 * models/eval/rooms-pinned.json, which `npm test` checks on that subset
 * (tests/vision/rooms-eval.test.ts).
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENES, type Scene } from '../../edge/vision/scene.ts';
import { readCareFrames, readDaycareFrames, type LabelledFrame } from './labelled-frames.ts';
import { writeBetweenMarkers } from './markers.ts';
import { createPeerDetector } from './peer-human.ts';
import { runPeerOnStills, runPipelineOnStills, type SystemRun } from './stills-eval.ts';
import { ageTable, countMae, precision, recall, stateRecall, stillsTable } from './stills-report.ts';
import { ageConfusion } from './stills-eval.ts';
import { readFile, writeFile } from 'node:fs/promises';

/**
 * Both sets are CCTV of 16:9 cameras that the uploaders stretched to 640×640 (their
 * READMEs); restoring the picture's proportions is what the camera's own frames would
 * have. Measured: models/README.md, "Indoor detection".
 */
export const SET_PIXEL_ASPECT = 16 / 9;

/** The subsets `npm test` runs (about 50 stills each). */
export const PIN_EVERY = { daycare: 6, care: 12 } as const;
export const PINNED_FILE = resolve(dirname(fileURLToPath(import.meta.url)), 'rooms-pinned.json');

/** The figures `npm test` pins for one set's subset. */
export interface PinnedFigures {
  every: number;
  stills: number;
  recall: number;
  precision: number;
  countMae: number;
  /** Daycare only: adult/child right among those decided, and the unknown share of matched people. */
  ageRight?: number;
  unknownShare?: number;
  /** Care wards only: share of the people labelled lying or fallen that were found. */
  floorRecall?: number;
}

/** Replaces one entry of models/eval/rooms-pinned.json (the others are kept). */
export async function writePinned(key: string, value: Record<string, unknown>): Promise<void> {
  const pinned = JSON.parse(await readFile(PINNED_FILE, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  pinned[key] = { ...value, measured: new Date().toISOString().slice(0, 10) };
  await writeFile(PINNED_FILE, `${JSON.stringify(pinned, null, 2)}\n`);
}

export function pinnedFigures(run: SystemRun, every: number, ages: boolean): PinnedFigures {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const rs = run.results;
  const out: PinnedFigures = { every, stills: rs.length, recall: round(recall(rs)), precision: round(precision(rs)), countMae: round(countMae(rs)) };
  if (ages) {
    const a = ageConfusion(rs);
    out.ageRight = round(a.right / Math.max(1, a.decided));
    out.unknownShare = round(a.unknown / Math.max(1, a.decided + a.unknown));
  } else {
    const f = stateRecall(rs, ['lie', 'fall']);
    out.floorRecall = round(f.found / Math.max(1, f.total));
  }
  return out;
}

export const ROOM_SETS = {
  daycare: { title: 'daycare rooms', read: readDaycareFrames, ages: true, marker: 'eval:childcare' },
  care: { title: 'care wards', read: readCareFrames, ages: false, marker: 'eval:cctv' },
} as const;
export type RoomSet = keyof typeof ROOM_SETS;

export interface RoomsEvalOptions {
  set: RoomSet;
  every: number;
  plays: number;
  peer: boolean;
  scene: Scene;
  pixelAspect: number;
  workers?: number;
  progress?: (what: string, done: number, total: number) => void;
}

export async function evaluateRooms(dataDir: string, o: RoomsEvalOptions): Promise<{ frames: LabelledFrame[]; runs: SystemRun[] }> {
  const all = await ROOM_SETS[o.set].read(dataDir);
  const frames = all.filter((_, i) => i % o.every === 0);
  const ours = await runPipelineOnStills(frames, {
    plays: o.plays,
    pixelAspect: o.pixelAspect,
    pipeline: { scene: o.scene, ...(o.workers !== undefined ? { size: o.workers } : {}) },
    progress: (d, n) => o.progress?.('anyu', d, n),
  });
  ours.system = `anyu (${o.scene} scene, ${o.plays} frames per still)`;
  const runs = [ours];
  if (o.peer) {
    const peer = await runPeerOnStills(frames, await createPeerDetector('centernet'), (d, n) => o.progress?.('peer', d, n));
    peer.system = 'peer: human centernet (default threshold)';
    runs.push(peer);
  }
  return { frames, runs };
}

export function roomsReport(o: RoomsEvalOptions, runs: readonly SystemRun[], command: string): string {
  const set = ROOM_SETS[o.set];
  const table = stillsTable(runs, { ages: set.ages, floor: !set.ages, classTypes: ['infant', 'toddler_small', 'toddler_large'] });
  const ages = set.ages && runs[0] ? `\n\nAdult or child, our pipeline, people matched to a label:\n\n${ageTable(runs[0])}` : '';
  return [
    `Measured ${new Date().toISOString().slice(0, 16)}Z on this machine (${availableParallelism()} cores, shared): ${set.title}, ${runs[0]?.results.length ?? 0} stills, people matched at IoU ≥ 0.4${set.ages ? ' (pasted cut-outs neither way)' : ''}, pixel aspect ${o.pixelAspect.toFixed(2)}. Intervals: 95 %, bootstrap over rooms for recall, precision and count error; Wilson (frames or people taken as independent) for the rest.`,
    '',
    table + ages,
    '',
    `Command: \`${command}\``,
  ].join('\n');
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: {
      set: { type: 'string' },
      every: { type: 'string' },
      plays: { type: 'string' },
      peer: { type: 'string' },
      scene: { type: 'string' },
      'pixel-aspect': { type: 'string' },
      workers: { type: 'string' },
      'no-readme': { type: 'boolean' },
      pin: { type: 'boolean' },
    },
  });
  const fail = (m: string): never => {
    console.error(m);
    process.exit(2);
  };
  const dataDir = process.env.ANYU_DATA_DIR ?? fail('this evaluation needs ANYU_DATA_DIR (the folder holding childcare/daycare and care-cctv; see ../shared/data/README.md)');
  const set = (values.set ?? fail('--set daycare|care is required')) as RoomSet;
  if (!(set in ROOM_SETS)) fail(`--set must be one of ${Object.keys(ROOM_SETS).join(', ')}, not '${set}'`);
  const scene = (values.scene ?? 'room') as Scene;
  if (!SCENES.includes(scene)) fail(`--scene must be one of ${SCENES.join(', ')}, not '${scene}'`);
  const num = (v: string | undefined, d: number, name: string) => {
    const n = v === undefined ? d : Number(v);
    return Number.isFinite(n) && n > 0 ? n : fail(`--${name} must be a positive number, not '${v}'`);
  };
  const o: RoomsEvalOptions = {
    set,
    every: Math.round(num(values.every, 1, 'every')),
    plays: Math.round(num(values.plays, 3, 'plays')),
    peer: (values.peer ?? 'centernet') !== 'none',
    scene,
    pixelAspect: num(values['pixel-aspect'], SET_PIXEL_ASPECT, 'pixel-aspect'),
    ...(values.workers ? { workers: Math.round(num(values.workers, 2, 'workers')) } : {}),
    progress: (what, d, n) => {
      if (d % 25 === 0 || d === n) process.stderr.write(`${what}: ${d}/${n} stills\n`);
    },
  };
  const { runs } = await evaluateRooms(dataDir, o);
  const script = set === 'daycare' ? 'eval:childcare' : 'eval:cctv';
  const args = process.argv.slice(2).filter((a, i, all) => a !== '--set' && all[i - 1] !== '--set');
  const report = roomsReport(o, runs, `ANYU_DATA_DIR=… npm run ${script}${args.length ? ` -- ${args.join(' ')}` : ''}`);
  console.log(report);
  // The figures npm test pins: the run's own on its subset (`--every PIN_EVERY --peer none
  // --pin`), or a full run's on the same stills (each still is a camera of its own, so a
  // still's result does not depend on which others ran).
  const pinnable = o.every === 1 || (o.every === PIN_EVERY[set] && !o.peer);
  if (values.pin && !pinnable) fail(`--pin needs the whole set or the subset npm test runs (--every ${PIN_EVERY[set]} --peer none)`);
  if (values.pin || (pinnable && o.every === 1 && !values['no-readme'])) {
    const ours = runs[0] as SystemRun;
    const sub = o.every === 1 ? { ...ours, results: ours.results.filter((_, i) => i % PIN_EVERY[set] === 0) } : ours;
    await writePinned(set, { ...pinnedFigures(sub, PIN_EVERY[set], ROOM_SETS[set].ages), command: `ANYU_DATA_DIR=… npm run ${script}${args.length ? ` -- ${args.join(' ')}` : ''}` });
    console.error(`pinned the subset (every ${PIN_EVERY[set]}th still) into ${PINNED_FILE}`);
  }
  if (!values['no-readme'] && o.every === 1) {
    const readme = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
    const marker = ROOM_SETS[set].marker;
    await writeBetweenMarkers(readme, `<!-- ${marker}:start -->`, `<!-- ${marker}:end -->`, `\n${report}\n`);
    console.error(`written into ${readme}`);
  }
}
