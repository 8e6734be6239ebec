/**
 * A demonstration district for `npm start`: the towns of Keqiao with display names and
 * 30 made-up institutions (named "（演示）…", every row marked `demo`) with camera status
 * history and incidents for the last 30 days, so the regulator's port looks like a
 * district and not one centre. Deterministic (a seeded PRNG per institution and day), so
 * every start shows the same history; `topUpDemoDistrict` extends it to "now" without
 * repeating what is stored. No snapshots, no people: counts only.
 */
import { DEFAULT_TIME_ZONE, SCHEMA_VERSION, type IncidentEvent, type IncidentKind, type Outcome, type RatingLevel, type RegionView } from '../protocol/index.ts';
import { dayStartMs, localDate, nextDate } from './store/days.ts';
import type { CameraSample, InstitutionInput, Store } from './store/types.ts';

export const DEMO_DISTRICT = 'keqiao';
const TZ = DEFAULT_TIME_ZONE;
const DAY_MS = 86_400_000;
const HOUR = 3_600_000;

export const DEMO_REGIONS: readonly RegionView[] = [
  { id: DEMO_DISTRICT, kind: 'district', name: '柯桥区', nameEn: 'Keqiao District', parentId: null, demo: true },
  ...(
    [
      ['keqiao-kq', '柯桥街道', 'Keqiao Subdistrict'],
      ['keqiao-hs', '华舍街道', 'Huashe Subdistrict'],
      ['keqiao-qx', '齐贤街道', 'Qixian Subdistrict'],
      ['keqiao-ky', '柯岩街道', 'Keyan Subdistrict'],
      ['keqiao-qq', '钱清街道', 'Qianqing Subdistrict'],
      ['keqiao-ac', '安昌街道', 'Anchang Subdistrict'],
    ] as const
  ).map(([id, name, nameEn]) => ({ id, kind: 'town' as const, name, nameEn, parentId: DEMO_DISTRICT, demo: true })),
];

const NAMES = ['小太阳', '彩虹桥', '小树苗', '星星港', '向日葵', '蒲公英', '小橡果', '贝贝乐', '童心园', '暖阳', '小海豚', '云朵',
  '青苹果', '小脚丫', '芽芽', '森林小屋', '花朵', '乐乐', '葵花籽', '小蜜蜂', '月亮船', '七色花', '甜甜圈', '小白兔', '梧桐',
  '麦穗', '竹韵', '稻香', '水乡', '兰亭'];
const LEVELS: readonly RatingLevel[] = ['city_demo', 'level1', 'level1', 'level2', 'level2', 'level2', 'level3', 'level1', 'level2', 'unrated'];

/** How an institution's cameras behave, from always fine to a gap every few days. */
type Profile = 'steady' | 'flaky' | 'slow' | 'unmapped' | 'unregistered' | 'no_cameras';

interface DemoInstitution {
  inst: InstitutionInput & { timeZone: string; demo: true };
  profile: Profile;
  cameras: number;
}

export function demoInstitutions(): DemoInstitution[] {
  return NAMES.map((n, i) => {
    const id = `demo-d${String(i + 1).padStart(2, '0')}`;
    const profile: Profile =
      i === 7 ? 'unmapped' : i === 13 ? 'unregistered' : i === 22 ? 'no_cameras' : i % 9 === 4 ? 'slow' : i % 5 === 2 ? 'flaky' : 'steady';
    return {
      inst: {
        id,
        name: `（演示）${n}托育园`,
        level: LEVELS[i % LEVELS.length]!,
        townId: DEMO_REGIONS[1 + (i % 6)]!.id,
        districtId: DEMO_DISTRICT,
        registered: profile !== 'unregistered',
        timeZone: TZ,
        demo: true,
      },
      profile,
      cameras: profile === 'no_cameras' ? 0 : 1 + (i % 3),
    };
  });
}

/** mulberry32 seeded by a string: the same history on every start. */
function rng(seed: string): () => number {
  let h = 1779033703;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface DayPlan {
  /** Outage windows [start, end) in epoch ms. */
  outages: [number, number][];
  /** Analysed fps of 5 expected (below 3 is too slow to count). */
  analysedFps: number;
  incidents: { kind: IncidentKind; at: number }[];
}

const KINDS: readonly IncidentKind[] = ['crowding', 'crowding', 'ratio', 'ratio', 'unattended', 'fall', 'camera_tamper'];

function planDay(d: DemoInstitution, date: string): DayPlan {
  const r = rng(`${d.inst.id}/${date}`);
  const start = dayStartMs(date, TZ);
  const outages: [number, number][] = [];
  // Steady centres lose a camera for under 2 h now and then (still ≥ 90 % of the day);
  // flaky ones for 1–6 h on about a third of the days.
  const flaky = d.profile === 'flaky';
  if (r() < (flaky ? 0.3 : 0.05)) {
    const from = start + Math.floor(r() * 20) * HOUR;
    outages.push([from, from + (flaky ? 1 + Math.floor(r() * 5) : 0.5 + r()) * HOUR]);
  }
  const analysedFps = d.profile === 'slow' && r() < 0.35 ? 2.4 : 4.6;
  const incidents: DayPlan['incidents'] = [];
  // Incidents in opening hours (07:30–18:00).
  for (let n = Math.floor(r() * 4); n > 0; n--) incidents.push({ kind: KINDS[Math.floor(r() * KINDS.length)]!, at: start + 7.5 * HOUR + Math.floor(r() * 10.5 * HOUR) });
  for (const [from] of outages) incidents.push({ kind: 'camera_offline', at: from });
  return { outages, analysedFps, incidents };
}

/** Online runs of one camera over [from, to), cut by the day's outages. */
function runs(d: DemoInstitution, cam: string, plan: DayPlan, from: number, to: number): CameraSample[] {
  const out: CameraSample[] = [];
  let t = from;
  const base = { institutionId: d.inst.id, edgeId: `${d.inst.id}-edge`, cameraId: cam, expectedFps: 5 };
  for (const [a, b] of [...plan.outages, [to, to] as [number, number]].sort((x, y) => x[0] - y[0])) {
    const end = Math.min(a, to);
    if (end > t) out.push({ ...base, at: new Date(t).toISOString(), lastAt: new Date(end - 10_000).toISOString(), state: 'online', analysedFps: plan.analysedFps });
    if (b > a && Math.max(a, t) < Math.min(b, to)) {
      out.push({ ...base, at: new Date(Math.max(a, t)).toISOString(), lastAt: new Date(Math.min(b, to) - 10_000).toISOString(), state: 'offline', analysedFps: 0 });
    }
    t = Math.max(t, Math.min(b, to));
  }
  return out;
}

const OUTCOMES: readonly Outcome[] = ['false_alarm', 'false_alarm', 'no_injury', 'no_injury', 'minor_injury'];

async function addIncidents(store: Store, d: DemoInstitution, plan: DayPlan, from: number, to: number, date: string): Promise<number> {
  let n = 0;
  for (const [k, inc] of plan.incidents.entries()) {
    if (inc.at < from || inc.at >= to || d.cameras === 0) continue;
    const r = rng(`${d.inst.id}/${date}/${k}`);
    const id = `${d.inst.id}-${date}-${k}`;
    const started = new Date(inc.at).toISOString();
    const ended = new Date(inc.at + (20 + Math.floor(r() * 300)) * 1000).toISOString();
    const persons = 4 + Math.floor(r() * 6);
    const counts = inc.kind === 'crowding' ? { persons, adults: 1, children: persons - 1, unknown: 0 } : inc.kind === 'fall' ? { fallen: 1 } : { persons: 5, adults: inc.kind === 'unattended' ? 0 : 1, children: 4, unknown: 0 };
    const base = {
      schema: SCHEMA_VERSION, id, kind: inc.kind, severity: inc.kind === 'fall' || inc.kind === 'unattended' ? 'critical' : 'warning',
      institutionId: d.inst.id, edgeId: `${d.inst.id}-edge`, cameraId: 'cam-1', zoneId: 'room-1', startedAt: started,
      evidence: inc.kind === 'camera_offline' ? { reason: 'demo: no frames' } : { counts, ...(inc.kind === 'crowding' ? { limit: 4, peak: counts } : {}) },
    } as const;
    await store.applyIncidentEvent({ ...base, type: 'open', seq: 0, at: started } as IncidentEvent);
    await store.applyIncidentEvent({ ...base, type: 'resolved', seq: 1, at: ended } as IncidentEvent);
    const scope = { kind: 'institution' as const, institutionId: d.inst.id };
    const acked = new Date(inc.at + (8 + Math.floor(r() * 170)) * 1000).toISOString();
    await store.acknowledge(scope, id, 'demo-supervisor', acked);
    if (r() < 0.8) await store.close(scope, id, 'demo-admin', ended, OUTCOMES[Math.floor(r() * OUTCOMES.length)]!, '演示数据');
    n += 1;
  }
  return n;
}

export interface DemoDistrictResult {
  institutions: number;
  samples: number;
  incidents: number;
}

/**
 * Creates the demo district (idempotent) and its history up to `now`: from `days` days
 * back on a first run, from where the stored history ends afterwards.
 */
export async function topUpDemoDistrict(store: Store, opts: { now: number; days?: number }): Promise<DemoDistrictResult> {
  const list = demoInstitutions();
  const known = new Set((await store.listInstitutions({ kind: 'all' })).map((i) => i.id));
  for (const r of DEMO_REGIONS) await store.upsertRegion(r);
  const firstDay = dayStartMs(localDate(opts.now - ((opts.days ?? 30) - 1) * DAY_MS, TZ), TZ);
  let samples = 0;
  let incidents = 0;
  for (const d of list) {
    if (!known.has(d.inst.id)) {
      await store.upsertInstitution(d.inst);
      for (let c = 1; c <= d.cameras; c++) {
        await store.upsertRoom({ id: `room-${c}`, institutionId: d.inst.id, name: ['托小班', '托大班', '乳儿班'][c - 1]!, type: 'room', classType: (['toddler_small', 'toddler_large', 'infant'] as const)[c - 1]!, capacity: 15, polygon: null });
        await store.upsertCamera({ id: `cam-${c}`, institutionId: d.inst.id, edgeId: `${d.inst.id}-edge`, name: `摄像头 ${c}`, roomId: d.profile === 'unmapped' && c === d.cameras ? null : `room-${c}`, expectedFps: 5 });
      }
    }
    if (d.cameras === 0) continue;
    // Where this institution's stored history ends (its runs end 10 s before the next would start).
    const stored = await store.cameraSamples({ kind: 'institution', institutionId: d.inst.id }, new Date(firstDay).toISOString(), new Date(opts.now + DAY_MS).toISOString());
    const ends = stored.map((s) => Date.parse(s.lastAt ?? s.at) + 10_000);
    let from = ends.length > 0 ? Math.max(...ends) : firstDay;
    from = Math.max(from, firstDay);
    const rows: CameraSample[] = [];
    for (let date = localDate(from, TZ); dayStartMs(date, TZ) < opts.now; date = nextDate(date)) {
      const plan = planDay(d, date);
      const a = Math.max(from, dayStartMs(date, TZ));
      const b = Math.min(opts.now, dayStartMs(nextDate(date), TZ));
      if (b - a < 60_000) continue;
      for (let c = 1; c <= d.cameras; c++) rows.push(...runs(d, `cam-${c}`, plan, a, b));
      incidents += await addIncidents(store, d, plan, a, b, date);
    }
    samples += await store.importCameraSamples(rows);
  }
  return { institutions: list.length, samples, incidents };
}
