/**
 * Tables of the stills evaluations (eval:childcare, eval:cctv). Frames of one room are not
 * independent (the same room recurs, the uploaders made augmented copies), so the 95 %
 * intervals of recall, precision and count error come from a bootstrap over rooms
 * (`LabelledFrame.group`), not over people; per-frame verdicts and age calls carry Wilson
 * intervals, which treat them as independent and are therefore optimistic.
 */
import type { ZoneConfig } from '../../protocol/index.ts';
import { createRng } from '../activity/augment.ts';
import { fmt, formatInterval } from './proportion.ts';
import { ageConfusion, ratioVerdicts, type StillResult, type SystemRun } from './stills-eval.ts';

/** 95 % percentile interval of `stat` over resamples of whole groups. */
export function groupBootstrap(results: readonly StillResult[], stat: (rs: readonly StillResult[]) => number, resamples = 1000, seed = 22): [number, number] {
  const groups = new Map<string, StillResult[]>();
  for (const r of results) {
    const g = groups.get(r.frame.group);
    if (g) g.push(r);
    else groups.set(r.frame.group, [r]);
  }
  const list = [...groups.values()];
  // Seeded (mulberry32): the same intervals on every run of the same results.
  const rnd = createRng(seed);
  const values: number[] = [];
  for (let k = 0; k < resamples; k++) {
    const sample: StillResult[] = [];
    for (let i = 0; i < list.length; i++) sample.push(...(list[Math.floor(rnd() * list.length)] as StillResult[]));
    const v = stat(sample);
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(q * (values.length - 1))))] ?? Number.NaN;
  return [at(0.025), at(0.975)];
}

export const recall = (rs: readonly StillResult[]) => {
  const tp = rs.reduce((n, r) => n + r.pairs.length, 0);
  return tp / (tp + rs.reduce((n, r) => n + r.missed, 0));
};
export const precision = (rs: readonly StillResult[]) => {
  const tp = rs.reduce((n, r) => n + r.pairs.length, 0);
  return tp / (tp + rs.reduce((n, r) => n + r.falsePositives, 0));
};
export const countMae = (rs: readonly StillResult[]) => rs.reduce((n, r) => n + Math.abs(r.count - r.truthCount), 0) / rs.length;
const meanCountError = (rs: readonly StillResult[]) => rs.reduce((n, r) => n + r.count - r.truthCount, 0) / rs.length;

const withInterval = (v: number, [lo, hi]: [number, number], digits = 2) => `${fmt(v, digits)} (${fmt(lo, digits)}–${fmt(hi, digits)})`;

export interface VerdictScore {
  right: number;
  frames: number;
  /** Frames where the system held (unknown ages could flip the verdict). */
  held: number;
}

export function verdictScore(results: readonly StillResult[], kind: 'ratio' | 'unattended', classType: NonNullable<ZoneConfig['classType']>): VerdictScore {
  let right = 0;
  let held = 0;
  for (const r of results) {
    const v = ratioVerdicts(r, classType).find((x) => x.kind === kind);
    if (!v) continue;
    if (v.said === v.truth) right++;
    else if (v.said === 'hold') held++;
  }
  return { right, frames: results.length, held };
}

/** Recall over the labelled people in one of `states` (care wards: on the floor = lie, fall). */
export function stateRecall(rs: readonly StillResult[], states: readonly string[]): { found: number; total: number } {
  let found = 0;
  let total = 0;
  for (const r of rs) {
    const matched = new Set(r.pairs.map(([, ti]) => ti));
    r.frame.persons.forEach((p, i) => {
      if (p.ignore || !p.state || !states.includes(p.state)) return;
      total++;
      if (matched.has(i)) found++;
    });
  }
  return { found, total };
}

export interface StillsTableOptions {
  /** Whether the set labels adults and children (daycare) or only people (care wards). */
  ages: boolean;
  /** Care wards: a column of the people labelled lying or fallen that were found. */
  floor?: boolean;
  /** Class types whose ratio rule is scored (zone `classType`). */
  classTypes: readonly NonNullable<ZoneConfig['classType']>[];
}

const CLASS_RULE: Record<string, string> = { infant: '1:3', toddler_small: '1:5', toddler_large: '1:7', mixed: '1:5 (mixed)', home: '1:3 (home)' };

export function stillsTable(runs: readonly SystemRun[], o: StillsTableOptions): string {
  const head = ['system', 'frames', 'person recall', 'precision', 'count MAE', 'mean count error', 'CPU ms / frame'];
  if (o.floor) head.push('lying or fallen found');
  if (o.ages) head.push('adult/child right (decided)', 'unknown share', ...o.classTypes.map((c) => `ratio ${CLASS_RULE[c] ?? c} right (held)`), 'unattended right (held)');
  const lines = [`| ${head.join(' | ')} |`, `|${' --- |'.repeat(head.length)}`];
  for (const run of runs) {
    const rs = run.results;
    const cells = [
      run.system,
      String(rs.length),
      withInterval(recall(rs), groupBootstrap(rs, recall)),
      withInterval(precision(rs), groupBootstrap(rs, precision)),
      withInterval(countMae(rs), groupBootstrap(rs, countMae)),
      fmt(meanCountError(rs)),
      fmt(run.cpuMsPerFrame, 0),
    ];
    if (o.floor) {
      const f = stateRecall(rs, ['lie', 'fall']);
      cells.push(`${fmt(f.found / f.total)} (${f.found}/${f.total}; ${formatInterval(f.found, f.total)})`);
    }
    if (o.ages) {
      const hasAges = rs.some((r) => r.persons.some((p) => p.age !== null));
      if (!hasAges) cells.push(...Array.from({ length: 3 + o.classTypes.length }, () => 'n/a (no ages)'));
      else {
        const a = ageConfusion(rs);
        const matched = a.decided + a.unknown;
        cells.push(`${fmt(a.right / a.decided)} (${a.right}/${a.decided}; ${formatInterval(a.right, a.decided)})`, `${fmt(a.unknown / matched)} (${a.unknown}/${matched})`);
        for (const c of o.classTypes) {
          const v = verdictScore(rs, 'ratio', c);
          cells.push(`${fmt(v.right / v.frames)} (${v.right}/${v.frames}; ${formatInterval(v.right, v.frames)}; ${v.held} held)`);
        }
        const u = verdictScore(rs, 'unattended', 'toddler_small');
        cells.push(`${fmt(u.right / u.frames)} (${u.right}/${u.frames}; ${u.held} held)`);
      }
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Labelled class × reported class for the matched people of one run. */
export function ageTable(run: SystemRun): string {
  const a = ageConfusion(run.results);
  const row = (cls: 'adult' | 'child') => `| labelled ${cls} | ${a.table[cls].adult} | ${a.table[cls].child} | ${a.table[cls].unknown} |`;
  return ['| matched people | called adult | called child | unknown |', '| --- | --- | --- | --- |', row('adult'), row('child')].join('\n');
}
