/**
 * Cloud-supervision coverage (DOMAIN.md, Indicator 16) as a pure function of
 * institutions, cameras and camera status samples. An institution is covered on a local
 * day (in its own time zone) when it is registered, ≥ 1 edge reported that day, it has
 * ≥ 1 camera and every camera is mapped to a room, and every camera was online and
 * analysing at ≥ minFpsRatio × expected fps for ≥ minOnlineShare of the day.
 *
 * A sample's state holds until the camera's next sample; after its last sample (the end
 * of its run, `lastAt`) it holds for at most `staleAfterS`, then the state is unknown
 * (not covered). Today counts up to `now`; days that have not started are not covered.
 */
import {
  LEVEL2_AND_ABOVE,
  RatingLevel,
  type CoverageDay,
  type CoverageInstitution,
  type CoverageReport,
  type GapReason,
  type InstitutionView,
} from '../../protocol/index.ts';
import { datesBetween, dayStartMs, nextDate } from '../store/days.ts';
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
  /** Local dates (YYYY-MM-DD), both included, each institution in its own zone. */
  from: string;
  to: string;
  /** Epoch ms of "now": nothing after it is known. */
  now: number;
}

interface Day {
  start: number;
  /** Exclusive; the day's end or `now`, whichever is earlier. */
  end: number;
}

/** Index of the day containing `ms` (-1 before the first, `days.length` after the last). */
function dayIndex(days: readonly Day[], ms: number, ends: readonly number[]): number {
  if (days.length === 0 || ms < days[0]!.start) return -1;
  let lo = 0;
  let hi = days.length;
  // First day whose full end is after ms.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid]! <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A sample with its times parsed once: `t` its start, `last` its run's last status. */
interface Timed {
  t: number;
  last: number;
  s: CameraSample;
}

/** The days of the period in one zone, computed once per zone. */
interface ZoneDays {
  days: Day[];
  /** Each day's full end (next local midnight), for lookups. */
  ends: number[];
}

function zoneDays(dates: readonly string[], timeZone: string, now: number): ZoneDays {
  const days: Day[] = [];
  const ends: number[] = [];
  for (const date of dates) {
    const start = dayStartMs(date, timeZone);
    const end = dayStartMs(nextDate(date), timeZone);
    days.push({ start, end: Math.min(end, now) });
    ends.push(end);
  }
  return { days, ends };
}

function goodMsPerDay(samples: readonly Timed[], z: ZoneDays, now: number, p: CoverageParams): number[] {
  const acc = z.days.map(() => 0);
  for (const [i, { t, last, s }] of samples.entries()) {
    const good = s.state === 'online' && s.expectedFps > 0 && s.analysedFps >= p.minFpsRatio * s.expectedFps;
    if (!good) continue;
    const next = samples[i + 1];
    const until = next ? next.t : Math.min(last + p.staleAfterS * 1000, now);
    const first = Math.max(0, dayIndex(z.days, t, z.ends));
    const lastDay = Math.min(z.days.length - 1, dayIndex(z.days, until, z.ends));
    for (let d = first; d <= lastDay; d++) {
      const day = z.days[d]!;
      const ms = Math.min(until, day.end) - Math.max(t, day.start);
      if (ms > 0) acc[d] = (acc[d] ?? 0) + ms;
    }
  }
  return acc;
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);

/** Floor to a whole percent, as a share: a camera at 89.6 % never reads "90 % (needs 90 %)". */
const floorPercent = (share: number) => Math.floor(share * 100 + 1e-9) / 100;

function institutionCoverage(
  inst: InstitutionView,
  cams: readonly CoverageCamera[],
  samples: readonly Timed[],
  dates: readonly string[],
  z: ZoneDays,
  input: CoverageInput,
  p: CoverageParams,
): CoverageInstitution {
  const fixed: GapReason[] = [];
  if (!inst.registered) fixed.push({ code: 'not_registered' });
  if (cams.length === 0) fixed.push({ code: 'no_cameras' });
  for (const c of cams) if (c.roomId === null) fixed.push({ code: 'camera_unmapped', cameraId: c.id });
  const byCam = new Map<string, Timed[]>();
  const reported = new Set<number>();
  for (const ts of samples) {
    const list = byCam.get(ts.s.cameraId);
    if (list) list.push(ts);
    else byCam.set(ts.s.cameraId, [ts]);
    // A run of statuses reports on every day it spans.
    const a = Math.max(0, dayIndex(z.days, ts.t, z.ends));
    const b = Math.min(z.days.length - 1, dayIndex(z.days, ts.last, z.ends));
    for (let i = a; i <= b; i++) reported.add(i);
  }
  // The store gives each camera's samples in time order; anything else is sorted here.
  for (const list of byCam.values()) if (list.some((x, i) => i > 0 && x.t < list[i - 1]!.t)) list.sort((a, b) => a.t - b.t);
  const good = cams.map((c) => goodMsPerDay(byCam.get(c.id) ?? [], z, input.now, p));
  const gaps: CoverageInstitution['gaps'] = [];
  for (const [i, d] of z.days.entries()) {
    const date = dates[i]!;
    const length = d.end - d.start;
    if (length <= 0) {
      gaps.push({ date, reasons: [{ code: 'not_started' }] });
      continue;
    }
    const reasons = [...fixed];
    if (!reported.has(i)) reasons.push({ code: 'no_edge_reported' });
    for (const [ci, c] of cams.entries()) {
      const share = (good[ci]?.[i] ?? 0) / length;
      if (share < p.minOnlineShare) {
        reasons.push({ code: 'camera_online_share', cameraId: c.id, share: floorPercent(share), needed: p.minOnlineShare });
      }
    }
    if (reasons.length > 0) gaps.push({ date, reasons });
  }
  const daysCovered = z.days.length - gaps.length;
  return {
    institutionId: inst.id,
    name: inst.name,
    level: inst.level,
    townId: inst.townId,
    timeZone: inst.timeZone,
    demo: inst.demo,
    cameras: cams.length,
    days: z.days.length,
    daysCovered,
    share: ratio(daysCovered, z.days.length),
    gaps,
  };
}

export function computeCoverage(input: CoverageInput, params: Partial<CoverageParams> = {}): CoverageReport {
  const p = coverageParams(params);
  const dates = datesBetween(input.from, input.to);
  if (dates.length > p.maxDays) throw new RangeError(`coverage period is ${dates.length} days; at most ${p.maxDays}`);

  const zones = new Map<string, ZoneDays>();
  const daysOf = (tz: string): ZoneDays => {
    let z = zones.get(tz);
    if (!z) {
      z = zoneDays(dates, tz, input.now);
      zones.set(tz, z);
    }
    return z;
  };
  const samplesByInst = new Map<string, Timed[]>();
  for (const s of input.samples) {
    const t = Date.parse(s.at);
    const ts = { t, last: s.lastAt === undefined ? t : Math.max(t, Date.parse(s.lastAt)), s };
    const list = samplesByInst.get(s.institutionId);
    if (list) list.push(ts);
    else samplesByInst.set(s.institutionId, [ts]);
  }
  const camsByInst = new Map<string, CoverageCamera[]>();
  for (const c of input.cameras) {
    const list = camsByInst.get(c.institutionId);
    if (list) list.push(c);
    else camsByInst.set(c.institutionId, [c]);
  }

  const institutions = [...input.institutions]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((inst) => {
      const samples = samplesByInst.get(inst.id) ?? [];
      const cams = (camsByInst.get(inst.id) ?? []).slice().sort((a, b) => a.id.localeCompare(b.id));
      return institutionCoverage(inst, cams, samples, dates, daysOf(inst.timeZone), input, p);
    });
  return buildReport(input, p, dates, institutions, [...zones.keys()].sort());
}

function group(key: string, members: readonly CoverageInstitution[]) {
  const covered = members.filter((m) => m.days > 0 && m.daysCovered === m.days).length;
  return { key, institutions: members.length, covered, share: ratio(covered, members.length) };
}

/** Per date: institutions counted and covered overall, for 二级及以上, by level and by town. */
function trend(dates: readonly string[], list: readonly CoverageInstitution[]): CoverageDay[] {
  const gapDates = list.map((i) => new Set(i.gaps.map((g) => g.date)));
  return dates.map((date) => {
    const day: CoverageDay = { date, all: { institutions: 0, covered: 0 }, level2AndAbove: { institutions: 0, covered: 0 }, byLevel: {}, byTown: {} };
    list.forEach((inst, n) => {
      const covered = gapDates[n]!.has(date) ? 0 : 1;
      const add = (c: { institutions: number; covered: number }) => {
        c.institutions += 1;
        c.covered += covered;
      };
      add(day.all);
      if (LEVEL2_AND_ABOVE.includes(inst.level)) add(day.level2AndAbove);
      add((day.byLevel[inst.level] ??= { institutions: 0, covered: 0 }));
      add((day.byTown[inst.townId] ??= { institutions: 0, covered: 0 }));
    });
    return day;
  });
}

function buildReport(
  input: CoverageInput,
  p: CoverageParams,
  dates: readonly string[],
  list: CoverageInstitution[],
  timeZones: string[],
): CoverageReport {
  const levels = RatingLevel.options.filter((l) => list.some((i) => i.level === l));
  const towns = [...new Set(list.map((i) => i.townId))].sort();
  const l2 = group('level2AndAbove', list.filter((i) => LEVEL2_AND_ABOVE.includes(i.level)));
  const all = group('all', list);
  return {
    from: input.from,
    to: input.to,
    timeZones,
    params: { minOnlineShare: p.minOnlineShare, minFpsRatio: p.minFpsRatio },
    institutions: list,
    byLevel: levels.map((l) => group(l, list.filter((i) => i.level === l))),
    byTown: towns.map((t) => group(t, list.filter((i) => i.townId === t))),
    trend: trend(dates, list),
    demo: list.some((i) => i.demo),
    // A target over no institutions is not met: there is nothing to show for it.
    targets: {
      level2AndAbove: { ...l2, met: l2.institutions > 0 && l2.covered === l2.institutions },
      all: { ...all, met: all.institutions > 0 && all.covered === all.institutions },
    },
  };
}
