/**
 * Cloud-supervision coverage (DOMAIN.md, Indicator 16) as a pure function of
 * institutions, cameras and camera status samples. An institution is covered on a local
 * day when it is registered, ≥ 1 edge reported that day, it has ≥ 1 camera and every
 * camera is mapped to a room, and every camera was online and analysing at
 * ≥ minFpsRatio × expected fps for ≥ minOnlineShare of the day.
 *
 * A sample's state holds until the camera's next sample; after its last sample (the end
 * of its run, `lastAt`) it holds for at most `staleAfterS`, then the state is unknown
 * (not covered). Today counts up to
 * `now`; days that have not started are not covered.
 */
import {
  LEVEL2_AND_ABOVE,
  RatingLevel,
  type CoverageInstitution,
  type CoverageReport,
  type InstitutionView,
} from '../../protocol/index.ts';
import { DAY_MS, datesBetween, dayStartMs } from '../store/days.ts';
import type { CameraSample } from '../store/types.ts';
import { coverageParams, type CoverageParams } from './params.ts';

export interface CoverageCamera {
  id: string;
  institutionId: string;
  roomId: string | null;
}

export interface CoverageInput {
  institutions: readonly InstitutionView[];
  cameras: readonly CoverageCamera[];
  /** From `store.cameraSamples`: the period's samples plus the last one before it per camera. */
  samples: readonly CameraSample[];
  /** Local dates (YYYY-MM-DD), both included. */
  from: string;
  to: string;
  /** Epoch ms of "now": nothing after it is known. */
  now: number;
}

interface Day {
  date: string;
  start: number;
  /** Exclusive; the day's end or `now`, whichever is earlier. */
  end: number;
}

const camKey = (institutionId: string, cameraId: string) => `${institutionId}\u0000${cameraId}`;

/** Index of the day containing `ms` (days are contiguous), possibly outside the list. */
const dayIndex = (days: readonly Day[], ms: number): number => Math.floor((ms - (days[0]?.start ?? 0)) / DAY_MS);

/** Milliseconds of [a, b) that fall in each day, added into `acc`. */
function spread(days: readonly Day[], a: number, b: number, acc: number[]): void {
  const first = Math.max(0, dayIndex(days, a));
  const last = Math.min(days.length - 1, dayIndex(days, b));
  for (let i = first; i <= last; i++) {
    const d = days[i]!;
    const ms = Math.min(b, d.end) - Math.max(a, d.start);
    if (ms > 0) acc[i] = (acc[i] ?? 0) + ms;
  }
}

/** A sample with its times parsed once: `t` its start, `last` its run's last status. */
interface Timed {
  t: number;
  last: number;
  s: CameraSample;
}

function goodMsPerDay(samples: readonly Timed[], days: readonly Day[], now: number, p: CoverageParams): number[] {
  const acc = days.map(() => 0);
  for (const [i, { t, last, s }] of samples.entries()) {
    const good = s.state === 'online' && s.expectedFps > 0 && s.analysedFps >= p.minFpsRatio * s.expectedFps;
    if (!good) continue;
    const next = samples[i + 1];
    const until = next ? next.t : Math.min(last + p.staleAfterS * 1000, now);
    spread(days, t, until, acc);
  }
  return acc;
}

function percentFloor(share: number): number {
  // Floor, so a camera at 89.6 % never reads "90 % (needs 90 %)".
  return Math.floor(share * 100 + 1e-9);
}

export function computeCoverage(input: CoverageInput, params: Partial<CoverageParams> = {}): CoverageReport {
  const p = coverageParams(params);
  const dates = datesBetween(input.from, input.to);
  if (dates.length > p.maxDays) throw new RangeError(`coverage period is ${dates.length} days; at most ${p.maxDays}`);
  const days: Day[] = dates.map((date) => {
    const start = dayStartMs(date, p.tzOffsetMinutes);
    return { date, start, end: Math.min(start + DAY_MS, input.now) };
  });

  const samplesByCam = new Map<string, Timed[]>();
  const reported = new Map<string, Set<number>>();
  const timed = input.samples
    .map((s) => {
      const t = Date.parse(s.at);
      return { t, last: s.lastAt === undefined ? t : Math.max(t, Date.parse(s.lastAt)), s };
    })
    .sort((a, b) => a.t - b.t);
  for (const ts of timed) {
    const { s } = ts;
    const k = camKey(s.institutionId, s.cameraId);
    const list = samplesByCam.get(k);
    if (list) list.push(ts);
    else samplesByCam.set(k, [ts]);
    // A run of statuses reports on every day it spans.
    const seen = reported.get(s.institutionId) ?? new Set<number>();
    reported.set(s.institutionId, seen);
    for (let i = Math.max(0, dayIndex(days, ts.t)); i <= Math.min(days.length - 1, dayIndex(days, ts.last)); i++) seen.add(i);
  }

  const institutions: CoverageInstitution[] = [...input.institutions]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((inst) => {
      const cams = input.cameras.filter((c) => c.institutionId === inst.id).sort((a, b) => a.id.localeCompare(b.id));
      const fixed: string[] = [];
      if (!inst.registered) fixed.push('not registered');
      if (cams.length === 0) fixed.push('no cameras');
      for (const c of cams) if (c.roomId === null) fixed.push(`camera ${c.id} not mapped to a room`);
      const good = cams.map((c) => goodMsPerDay(samplesByCam.get(camKey(inst.id, c.id)) ?? [], days, input.now, p));
      const gaps: CoverageInstitution['gaps'] = [];
      for (const [i, d] of days.entries()) {
        const length = d.end - d.start;
        if (length <= 0) {
          gaps.push({ date: d.date, reasons: ['day has not started yet'] });
          continue;
        }
        const reasons = [...fixed];
        if (!reported.get(inst.id)?.has(i)) reasons.push('no edge reported');
        for (const [ci, c] of cams.entries()) {
          const share = (good[ci]?.[i] ?? 0) / length;
          if (share < p.minOnlineShare) {
            reasons.push(
              `camera ${c.id} online ${percentFloor(share)}% of the day (needs ${percentFloor(p.minOnlineShare)}%)`,
            );
          }
        }
        if (reasons.length > 0) gaps.push({ date: d.date, reasons });
      }
      const daysCovered = days.length - gaps.length;
      return {
        institutionId: inst.id,
        name: inst.name,
        level: inst.level,
        townId: inst.townId,
        days: days.length,
        daysCovered,
        share: days.length === 0 ? 0 : daysCovered / days.length,
        gaps,
      };
    });

  return buildReport(input, p, institutions);
}

function group(key: string, members: readonly CoverageInstitution[]) {
  const covered = members.filter((m) => m.days > 0 && m.daysCovered === m.days).length;
  return { key, institutions: members.length, covered, share: members.length === 0 ? 0 : covered / members.length };
}

function buildReport(input: CoverageInput, p: CoverageParams, list: CoverageInstitution[]): CoverageReport {
  const levels = RatingLevel.options.filter((l) => list.some((i) => i.level === l));
  const towns = [...new Set(list.map((i) => i.townId))].sort();
  const l2 = group('level2AndAbove', list.filter((i) => LEVEL2_AND_ABOVE.includes(i.level)));
  const all = group('all', list);
  return {
    from: input.from,
    to: input.to,
    params: { minOnlineShare: p.minOnlineShare, minFpsRatio: p.minFpsRatio },
    institutions: list,
    byLevel: levels.map((l) => group(l, list.filter((i) => i.level === l))),
    byTown: towns.map((t) => group(t, list.filter((i) => i.townId === t))),
    // A target over no institutions is not met: there is nothing to show for it.
    targets: {
      level2AndAbove: { ...l2, met: l2.institutions > 0 && l2.covered === l2.institutions },
      all: { ...all, met: all.institutions > 0 && all.covered === all.institutions },
    },
  };
}
