import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, type InstitutionView } from '../../protocol/index.ts';
import { computeCoverage, coverageReport, type CoverageCamera } from '../../hub/coverage/index.ts';
import { createStore } from '../../hub/store/index.ts';
import type { CameraSample } from '../../hub/store/types.ts';

/** A Shanghai wall-clock time as epoch ms. */
const local = (date: string, hm: string) => Date.parse(`${date}T${hm}:00+08:00`);

const inst = (id: string, over: Partial<InstitutionView> = {}): InstitutionView => ({
  id,
  name: id,
  level: 'level2',
  townId: 'town-1',
  districtId: 'dist-1',
  registered: true,
  timeZone: 'Asia/Shanghai',
  demo: false,
  ...over,
});

type State = Pick<CameraSample, 'state' | 'analysedFps'>;
const ONLINE: State = { state: 'online', analysedFps: 4 };

/** One sample every `everyS` seconds in [from, to), state chosen by time. */
function series(institutionId: string, cameraId: string, from: number, to: number, at: (ms: number) => State, everyS = 10): CameraSample[] {
  const out: CameraSample[] = [];
  for (let t = from; t < to; t += everyS * 1000) {
    out.push({ institutionId, edgeId: `edge-${institutionId}`, cameraId, at: new Date(t).toISOString(), expectedFps: 5, ...at(t) });
  }
  return out;
}

const A = inst('a');
const camsA: CoverageCamera[] = [
  { id: 'cam-1', institutionId: 'a', roomId: 'r1' },
  { id: 'cam-2', institutionId: 'a', roomId: 'r2' },
];
const PERIOD = { from: '2026-11-20', to: '2026-11-21' };
const BEFORE = local('2026-11-19', '23:00');
const AFTER = local('2026-11-22', '01:00');

describe('computeCoverage', () => {
  it('covers an institution whose cameras are online and analysing all day', () => {
    const samples = camsA.flatMap((c) => series('a', c.id, BEFORE, AFTER, () => ONLINE));
    const r = computeCoverage({ institutions: [A], cameras: camsA, samples, ...PERIOD, now: AFTER });
    expect(r.institutions).toEqual([
      { institutionId: 'a', name: 'a', level: 'level2', townId: 'town-1', timeZone: 'Asia/Shanghai', demo: false, cameras: 2, days: 2, daysCovered: 2, share: 1, gaps: [] },
    ]);
    expect(r.params).toEqual({ minOnlineShare: 0.9, minFpsRatio: 0.6 });
    expect(r.targets.level2AndAbove).toEqual({ key: 'level2AndAbove', institutions: 1, covered: 1, share: 1, met: true });
  });

  it('counts low analysed fps as not covered, and names the camera and its share', () => {
    const slowFrom = local('2026-11-20', '09:00');
    const slowTo = local('2026-11-20', '12:00');
    const samples = [
      ...series('a', 'cam-1', BEFORE, AFTER, () => ONLINE),
      // 2.9 fps < 0.6 × 5 for three hours of the 20th: 87.5 % of the day.
      ...series('a', 'cam-2', BEFORE, AFTER, (t) => (t >= slowFrom && t < slowTo ? { state: 'online', analysedFps: 2.9 } : ONLINE)),
    ];
    const r = computeCoverage({ institutions: [A], cameras: camsA, samples, ...PERIOD, now: AFTER });
    expect(r.institutions[0]?.gaps).toEqual([{ date: '2026-11-20', reasons: [{ code: 'camera_online_share', cameraId: 'cam-2', share: 0.87, needed: 0.9 }] }]);
    expect(r.institutions[0]?.share).toBe(0.5);
    const lenient = computeCoverage({ institutions: [A], cameras: camsA, samples, ...PERIOD, now: AFTER }, { minFpsRatio: 0.5 });
    expect(lenient.institutions[0]?.gaps).toEqual([]);
  });

  it('splits an outage at local midnight, not UTC midnight', () => {
    // Offline 22:00–02:00 Shanghai: two hours on each local day (91.7 % each, covered),
    // but all four hours in UTC day 2026-11-20 (14:00–18:00Z, 83.3 %).
    const down = [local('2026-11-20', '22:00'), local('2026-11-21', '02:00')] as const;
    const samples = camsA.flatMap((c) =>
      series('a', c.id, BEFORE, AFTER, (t) => (t >= down[0] && t < down[1] ? { state: 'offline', analysedFps: 0 } : ONLINE)),
    );
    const input = { institutions: [A], cameras: camsA, samples, ...PERIOD, now: AFTER };
    expect(computeCoverage(input).institutions[0]?.gaps).toEqual([]);
    // The same statuses for an institution whose days are UTC days.
    const utc = computeCoverage({ ...input, institutions: [{ ...A, timeZone: 'UTC' }] });
    expect(utc.institutions[0]?.gaps).toEqual([
      {
        date: '2026-11-20',
        reasons: [{ code: 'camera_online_share', cameraId: 'cam-1', share: 0.83, needed: 0.9 }, { code: 'camera_online_share', cameraId: 'cam-2', share: 0.83, needed: 0.9 }],
      },
    ]);
  });

  it('holds a sample until the next one, across midnight', () => {
    // Statuses only every 30 minutes (e.g. a slow link): each holds until the next.
    const samples = camsA.flatMap((c) => series('a', c.id, BEFORE, AFTER, () => ONLINE, 1800));
    const r = computeCoverage({ institutions: [A], cameras: camsA, samples, ...PERIOD, now: AFTER });
    expect(r.institutions[0]?.daysCovered).toBe(2);
  });

  it('counts time after the last sample only up to the staleness limit', () => {
    const lastAt = local('2026-11-21', '20:00');
    const samples = camsA.flatMap((c) => series('a', c.id, BEFORE, lastAt, () => ONLINE));
    const r = computeCoverage({ institutions: [A], cameras: camsA, samples, ...PERIOD, now: AFTER });
    expect(r.institutions[0]?.gaps).toEqual([
      {
        date: '2026-11-21',
        reasons: [{ code: 'camera_online_share', cameraId: 'cam-1', share: 0.83, needed: 0.9 }, { code: 'camera_online_share', cameraId: 'cam-2', share: 0.83, needed: 0.9 }],
      },
    ]);
  });

  it('lets a stored run of statuses report for every day it spans, and go stale after its last status', () => {
    const run = (lastAt: number): CameraSample[] =>
      camsA.map((c) => ({
        institutionId: 'a',
        edgeId: 'edge-a',
        cameraId: c.id,
        at: new Date(BEFORE).toISOString(),
        lastAt: new Date(lastAt).toISOString(),
        state: 'online',
        expectedFps: 5,
        analysedFps: 4,
      }));
    const whole = computeCoverage({ institutions: [A], cameras: camsA, samples: run(AFTER), ...PERIOD, now: AFTER });
    expect(whole.institutions[0]?.gaps).toEqual([]);
    const stopped = computeCoverage({ institutions: [A], cameras: camsA, samples: run(local('2026-11-21', '20:00')), ...PERIOD, now: AFTER });
    expect(stopped.institutions[0]?.gaps).toEqual([
      {
        date: '2026-11-21',
        reasons: [{ code: 'camera_online_share', cameraId: 'cam-1', share: 0.83, needed: 0.9 }, { code: 'camera_online_share', cameraId: 'cam-2', share: 0.83, needed: 0.9 }],
      },
    ]);
  });

  it('judges today up to now and leaves days that have not started uncovered', () => {
    const now = local('2026-11-21', '12:00');
    const samples = camsA.flatMap((c) => series('a', c.id, BEFORE, now, () => ONLINE));
    const r = computeCoverage({ institutions: [A], cameras: camsA, samples, from: '2026-11-20', to: '2026-11-22', now });
    expect(r.institutions[0]).toMatchObject({
      days: 3,
      daysCovered: 2,
      gaps: [{ date: '2026-11-22', reasons: [{ code: 'not_started' }] }],
    });
  });

  it('gives every reason of a gap, and groups by level and town against both targets', () => {
    const institutions = [
      A,
      inst('b', { level: 'level1', townId: 'town-2' }),
      inst('c', { level: 'level3', registered: false }),
      inst('d', { level: 'unrated', townId: 'town-2' }),
    ];
    const cameras: CoverageCamera[] = [
      ...camsA,
      { id: 'cam-1', institutionId: 'b', roomId: null },
      { id: 'cam-1', institutionId: 'c', roomId: 'r' },
    ];
    const samples = [
      ...camsA.flatMap((c) => series('a', c.id, BEFORE, AFTER, () => ONLINE)),
      ...series('b', 'cam-1', BEFORE, AFTER, () => ONLINE),
      ...series('c', 'cam-1', BEFORE, AFTER, () => ONLINE),
    ];
    const r = computeCoverage({ institutions, cameras, samples, ...PERIOD, now: AFTER });
    const gaps = Object.fromEntries(r.institutions.map((i) => [i.institutionId, i.gaps[0]?.reasons ?? []]));
    expect(gaps).toEqual({
      a: [],
      b: [{ code: 'camera_unmapped', cameraId: 'cam-1' }],
      c: [{ code: 'not_registered' }],
      d: [{ code: 'no_cameras' }, { code: 'no_edge_reported' }],
    });
    expect(r.byLevel).toEqual([
      { key: 'level1', institutions: 1, covered: 0, share: 0 },
      { key: 'level2', institutions: 1, covered: 1, share: 1 },
      { key: 'level3', institutions: 1, covered: 0, share: 0 },
      { key: 'unrated', institutions: 1, covered: 0, share: 0 },
    ]);
    expect(r.byTown).toEqual([
      { key: 'town-1', institutions: 2, covered: 1, share: 0.5 },
      { key: 'town-2', institutions: 2, covered: 0, share: 0 },
    ]);
    expect(r.targets).toEqual({
      level2AndAbove: { key: 'level2AndAbove', institutions: 2, covered: 1, share: 0.5, met: false },
      all: { key: 'all', institutions: 4, covered: 1, share: 0.25, met: false },
    });
    const none = computeCoverage({ institutions: [], cameras: [], samples: [], ...PERIOD, now: AFTER });
    expect(none.targets.all.met).toBe(false);
  });

  it('rejects bad parameters and overlong periods with clear errors', () => {
    const input = { institutions: [A], cameras: camsA, samples: [], ...PERIOD, now: AFTER };
    expect(() => computeCoverage(input, { minOnlineShare: 1.5 })).toThrow(/minOnlineShare/);
    expect(() => computeCoverage(input, { staleAfterS: -1 })).toThrow(/staleAfterS/);
    expect(() => computeCoverage({ ...input, from: '2020-01-01', to: '2026-01-01' })).toThrow(/at most 366/);
    expect(() => computeCoverage({ ...input, to: '2026-02-30' })).toThrow(/no such date/);
  });
});

describe('coverageReport on a real store', () => {
  it('turns recorded edge statuses, including a Last Will, into gaps', async () => {
    const store = await createStore({ sqlitePath: ':memory:' });
    try {
      await store.upsertInstitution(A);
      await store.upsertInstitution(inst('z', { townId: 'town-9', districtId: 'dist-9' }));
      await store.upsertRoom({ id: 'r1', institutionId: 'a', name: 'r1', type: 'room', classType: null, capacity: null, polygon: null });
      const lastWill = local('2026-11-21', '12:00');
      const back = local('2026-11-21', '15:00');
      for (let t = BEFORE; t < AFTER; t += 60_000) {
        if (t >= lastWill && t < back) continue;
        const cam = (id: string) => ({
          id,
          state: 'online' as const,
          expectedFps: 5,
          deliveredFps: 5,
          analysedFps: 4,
          reconnectsLastHour: 0,
          stallsLastHour: 0,
          lastFrameAt: new Date(t).toISOString(),
        });
        await store.recordEdgeStatus({
          schema: SCHEMA_VERSION,
          institutionId: 'a',
          edgeId: 'edge-a',
          state: 'online',
          version: '0.1.0',
          at: new Date(t).toISOString(),
          uptimeS: 1,
          cameras: [cam('cam-1'), cam('cam-2')],
        });
      }
      // The broker publishes the edge's Last Will: no cameras listed.
      await store.recordEdgeStatus({
        schema: SCHEMA_VERSION,
        institutionId: 'a',
        edgeId: 'edge-a',
        state: 'offline',
        version: '0.1.0',
        at: new Date(lastWill).toISOString(),
        uptimeS: 0,
        cameras: [],
      });
      // cam-2 appeared from the edge, so it has no room yet.
      await store.upsertCamera({ id: 'cam-1', institutionId: 'a', edgeId: 'edge-a', name: 'c1', roomId: 'r1', expectedFps: 5 });

      // ~3,000 statuses per camera are stored as three runs each: online, Last Will, online.
      const stored = await store.cameraSamples({ kind: 'all' }, new Date(BEFORE).toISOString(), new Date(AFTER).toISOString());
      expect(stored.map((x) => [x.cameraId, x.state])).toEqual([
        ['cam-1', 'online'],
        ['cam-1', 'offline'],
        ['cam-1', 'online'],
        ['cam-2', 'online'],
        ['cam-2', 'offline'],
        ['cam-2', 'online'],
      ]);
      const r = await coverageReport(store, { kind: 'region', regionId: 'dist-1' }, PERIOD, { now: () => AFTER });
      expect(r.institutions.map((i) => i.institutionId)).toEqual(['a']);
      expect(r.institutions[0]?.gaps).toEqual([
        { date: '2026-11-20', reasons: [{ code: 'camera_unmapped', cameraId: 'cam-2' }] },
        {
          date: '2026-11-21',
          reasons: [
            { code: 'camera_unmapped', cameraId: 'cam-2' },
            { code: 'camera_online_share', cameraId: 'cam-1', share: 0.87, needed: 0.9 },
            { code: 'camera_online_share', cameraId: 'cam-2', share: 0.87, needed: 0.9 },
          ],
        },
      ]);
      await store.upsertRoom({ id: 'r2', institutionId: 'a', name: 'r2', type: 'room', classType: null, capacity: null, polygon: null });
      await store.upsertCamera({ id: 'cam-2', institutionId: 'a', edgeId: 'edge-a', name: 'c2', roomId: 'r2', expectedFps: 5 });
      const fixed = await coverageReport(store, { kind: 'all' }, { ...PERIOD, townId: 'town-1' }, { now: () => AFTER });
      expect(fixed.institutions.map((i) => [i.institutionId, i.daysCovered])).toEqual([['a', 1]]);
      const zOnly = await coverageReport(store, { kind: 'institution', institutionId: 'z' }, PERIOD, { now: () => AFTER });
      expect(zOnly.institutions[0]?.gaps[0]?.reasons).toEqual([{ code: 'no_cameras' }, { code: 'no_edge_reported' }]);
    } finally {
      await store.close();
    }
  });
});
