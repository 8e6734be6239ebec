/**
 * The vision pipeline on labelled stills of real rooms, each as a camera that sees its
 * room for the first time: a fresh camera per still, the still played `plays` times at
 * 5 frames a second (the tracker confirms a person on the third sighting), the last
 * frame's people scored against the hand labels (match.ts, IoU ≥ 0.4; pasted cut-outs
 * neither right nor wrong) and put through the edge's own count rules for the ratio and
 * unattended verdicts. The peer library runs its detector on the same stills.
 */
import { availableParallelism } from 'node:os';
import type { AgeClass, Box, ZoneConfig } from '../../protocol/index.ts';
import { RulesConfig } from '../../edge/analytics/config.ts';
import { zoneVerdicts } from '../../edge/analytics/count-rules.ts';
import type { RgbFrame, TrackedPerson } from '../../edge/types.ts';
import { createVisionPipeline, type VisionPipelineOptions } from '../../edge/vision/pipeline.ts';
import { readRgb, type LabelledFrame, type PersonClass } from './labelled-frames.ts';
import { matchFrame } from './match.ts';
import type { PeerDetector } from './peer-human.ts';

/** One still's outcome: what the system reported, matched to the labels. */
export interface StillResult {
  frame: LabelledFrame;
  /** Reported people (boxes) with their age class (null: the system has none). */
  persons: { box: Box; score: number; age: AgeClass | null }[];
  /** Reported person index → label index (counted labels only). */
  pairs: [number, number][];
  falsePositives: number;
  /** Reported people on pasted cut-outs (neither right nor wrong). */
  neutral: number;
  missed: number;
  /** Counted labelled people, and the reported count without those on cut-outs. */
  truthCount: number;
  count: number;
}

export interface SystemRun {
  system: string;
  results: StillResult[];
  /** Process CPU time (all threads) and wall time per analysed frame. */
  cpuMsPerFrame: number;
  wallMsPerFrame: number;
  framesAnalysed: number;
}

export function scoreStill(frame: LabelledFrame, persons: StillResult['persons']): StillResult {
  const m = matchFrame(persons, frame.persons, 0.4);
  const truthCount = frame.persons.filter((p) => !p.ignore).length;
  return { frame, persons, pairs: m.pairs, falsePositives: m.unmatched.length, neutral: m.neutral.length, missed: m.missed.length, truthCount, count: persons.length - m.neutral.length };
}

export interface StillsOptions {
  /** Frames each still is played as (5 a second); the last one is scored. */
  plays: number;
  /** Width ÷ height of one pixel of these stills as the scene shows it (see RgbFrame.pixelAspect). */
  pixelAspect: number;
  /** Stills analysed at once (their cameras run side by side in the pipeline's workers). */
  concurrency: number;
  pipeline: VisionPipelineOptions;
  progress?: (done: number, total: number) => void;
}

export const defaultStillsOptions: StillsOptions = { plays: 3, pixelAspect: 1, concurrency: 4, pipeline: {} };

async function analyseStill(analyse: (camera: string, f: RgbFrame) => Promise<{ persons: TrackedPerson[] } | null>, camera: string, still: RgbFrame, plays: number): Promise<TrackedPerson[]> {
  let last: TrackedPerson[] = [];
  for (let k = 0; k < plays; k++) {
    const a = await analyse(camera, { ...still, index: k, t: k * 0.2, at: Date.now() });
    if (a) last = a.persons;
  }
  return last;
}

/** Our pipeline on every still (a new camera each), in `concurrency` lanes. */
export async function runPipelineOnStills(frames: readonly LabelledFrame[], options: Partial<StillsOptions> = {}): Promise<SystemRun> {
  const o = { ...defaultStillsOptions, ...options };
  const pipeline = await createVisionPipeline({ size: availableParallelism(), ...o.pipeline });
  const results: StillResult[] = new Array(frames.length);
  let next = 0;
  let done = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, o.concurrency) }, async () => {
        for (let i = next++; i < frames.length; i = next++) {
          const frame = frames[i] as LabelledFrame;
          const still = { ...(await readRgb(frame.path)), pixelAspect: o.pixelAspect };
          const persons = await analyseStill((c, f) => pipeline.analyse(c, f), `still-${i}`, still, o.plays);
          results[i] = scoreStill(frame, persons.map((p) => ({ box: p.box, score: p.score, age: p.age })));
          o.progress?.(++done, frames.length);
        }
      }),
    );
  } finally {
    await pipeline.close();
  }
  const cpu = process.cpuUsage(cpu0);
  const analysed = frames.length * o.plays;
  return { system: '', results, cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / analysed, wallMsPerFrame: (performance.now() - t0) / analysed, framesAnalysed: analysed };
}

/** The peer's detector on every still, once (it keeps no state between frames). */
export async function runPeerOnStills(frames: readonly LabelledFrame[], peer: PeerDetector, progress?: (done: number, total: number) => void): Promise<SystemRun> {
  const results: StillResult[] = [];
  let busyMs = 0;
  let cpuMs = 0;
  for (const [i, frame] of frames.entries()) {
    const still = await readRgb(frame.path);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const dets = await peer.detect(still);
    busyMs += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuMs += (c.user + c.system) / 1000;
    results.push(scoreStill(frame, dets.map((d) => ({ box: d.box, score: d.score, age: null }))));
    progress?.(i + 1, frames.length);
  }
  return { system: '', results, cpuMsPerFrame: cpuMs / Math.max(1, frames.length), wallMsPerFrame: busyMs / Math.max(1, frames.length), framesAnalysed: frames.length };
}

/** Adult/child outcome over the matched people: confusion by labelled class. */
export interface AgeConfusion {
  /** [labelled class][reported class] counts. */
  table: Record<'adult' | 'child', Record<AgeClass, number>>;
  decided: number;
  right: number;
  unknown: number;
}

export function ageConfusion(results: readonly StillResult[]): AgeConfusion {
  const table = { adult: { adult: 0, child: 0, unknown: 0 }, child: { adult: 0, child: 0, unknown: 0 } };
  for (const r of results) {
    for (const [pi, ti] of r.pairs) {
      const cls = r.frame.persons[ti]?.cls as PersonClass;
      const age = r.persons[pi]?.age ?? 'unknown';
      if (cls === 'adult' || cls === 'child') table[cls][age]++;
    }
  }
  const right = table.adult.adult + table.child.child;
  const decided = right + table.adult.child + table.child.adult;
  return { table, decided, right, unknown: table.adult.unknown + table.child.unknown };
}

/** The edge's count rules on one still: the labels' verdict and the system's (`hold` when unknown ages could flip it). */
export function ratioVerdicts(r: StillResult, classType: NonNullable<ZoneConfig['classType']>, rules = RulesConfig.parse({})): { kind: 'ratio' | 'unattended'; truth: string; said: string }[] {
  const zone = { id: 'room', type: 'room', classType } as ZoneConfig;
  const truth = { adults: 0, children: 0, unknown: 0, persons: 0 };
  for (const p of r.frame.persons) {
    if (p.ignore) continue;
    truth.persons++;
    if (p.cls === 'adult') truth.adults++;
    else truth.children++;
  }
  const onCutOut = new Set<number>();
  const m = matchFrame(r.persons, r.frame.persons, 0.4);
  for (const i of m.neutral) onCutOut.add(i);
  const said = { adults: 0, children: 0, unknown: 0, persons: 0 };
  r.persons.forEach((p, i) => {
    if (onCutOut.has(i) || p.score < rules.minPersonScore) return;
    said.persons++;
    if (p.age === 'adult') said.adults++;
    else if (p.age === 'child') said.children++;
    else said.unknown++;
  });
  const t = zoneVerdicts(zone, truth, rules);
  const s = zoneVerdicts(zone, said, rules);
  return (['ratio', 'unattended'] as const).map((kind) => ({
    kind,
    truth: t.find((v) => v.kind === kind)?.verdict ?? 'n/a',
    said: s.find((v) => v.kind === kind)?.verdict ?? 'n/a',
  }));
}
