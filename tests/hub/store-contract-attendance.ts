/** Contract: roster, consent, attendance events and their day rows, reports, config channel (issue 25). */
import { expect, it } from 'vitest';
import { SCHEMA_VERSION, type EdgeConfig } from '../../protocol/index.ts';
import type { ChildInput, NewAttendanceEvent } from '../../hub/store/attendance-types.ts';
import type { GetStore } from './store-contract.ts';
import { ALL, inst, region } from './store-fixtures.ts';

const child = (id: string, over: Partial<ChildInput> = {}): ChildInput => ({
  institutionId: 'inst-a',
  id,
  name: `孩子 ${id}`,
  birthMonth: '2025-06',
  classType: 'toddler_small',
  roomId: 'room-1',
  enrolledFrom: '2026-09-01',
  enrolledTo: null,
  guardians: [{ name: '王妈妈', relation: 'mother', phone: '138' }],
  ...over,
});
const NOW = '2026-12-01T10:00:00.000Z';
const ev = (childId: string, direction: 'in' | 'out', at: string, over: Partial<NewAttendanceEvent> = {}): NewAttendanceEvent => ({
  institutionId: 'inst-a',
  childId,
  edgeId: null,
  eventId: `${childId}-${direction}-${at}`,
  direction,
  at,
  source: 'staff',
  confidence: 1,
  needsConfirm: false,
  recordedBy: 'teacher',
  receivedAt: NOW,
  ...over,
});

export function attendanceContract(get: GetStore): void {
  it('keeps a roster per institution, scoped, with guardians; refuses a foreign room', async () => {
    const a = get().store.attendance;
    expect(await a.saveChild(inst('inst-a'), child('c1'), NOW)).toBe('saved');
    expect(await a.saveChild(inst('inst-b'), child('c2'), NOW)).toBe('out_of_scope');
    expect(await a.saveChild(inst('inst-a'), child('c3', { roomId: 'no-room' }), NOW)).toBe('unknown_room');
    expect(await a.saveChild(inst('inst-a'), child('c1', { name: '改名', guardians: [] }), NOW)).toBe('saved');
    const list = await a.listChildren(inst('inst-a'), 'inst-a');
    expect(list).toEqual([expect.objectContaining({ id: 'c1', name: '改名', guardians: [], faceConsent: false, enrolledOn: [] })]);
    expect(await a.listChildren(inst('inst-b'), 'inst-a')).toEqual([]);
    expect(await a.getChild(region('dist-2'), 'inst-a', 'c1')).toBeNull();
    expect(await a.deleteChild(inst('inst-b'), 'inst-a', 'c1')).toBe('missing');
  });

  it('records consent with who and when, withdraws it, and lists the children in force', async () => {
    const a = get().store.attendance;
    await a.saveChild(ALL, child('c1'), NOW);
    await a.saveChild(ALL, child('c2'), NOW);
    expect(await a.grantConsent(inst('inst-b'), 'inst-a', 'c1', { guardianName: 'x', grantedAt: NOW, by: 'u' })).toBeNull();
    const c = await a.grantConsent(inst('inst-a'), 'inst-a', 'c1', { guardianName: '王妈妈', grantedAt: '2026-12-01T08:00:00+08:00', by: 'admin' });
    expect(c).toMatchObject({ childId: 'c1', scope: 'face', guardianName: '王妈妈', grantedAt: '2026-12-01T00:00:00.000Z', recordedBy: 'admin', withdrawnAt: null });
    expect(await a.faceConsentChildIds('inst-a')).toEqual(['c1']);
    expect((await a.getChild(ALL, 'inst-a', 'c1'))!.faceConsent).toBe(true);
    const w = await a.withdrawConsent(inst('inst-a'), 'inst-a', 'c1', 'admin', NOW);
    expect(w).toMatchObject({ withdrawnAt: NOW, withdrawnBy: 'admin' });
    expect(await a.withdrawConsent(inst('inst-a'), 'inst-a', 'c1', 'admin', NOW)).toBeNull();
    expect(await a.faceConsentChildIds('inst-a')).toEqual([]);
    expect(await a.listConsents(ALL, 'inst-a', 'c1')).toHaveLength(1);
  });

  it('derives one day row per child from counted events, dedupes on (edge, id), waits for confirmation', async () => {
    const a = get().store.attendance;
    await a.saveChild(ALL, child('c1'), NOW);
    // 08:00–16:30 Shanghai = 00:00–08:30 UTC on 2026-12-01.
    expect((await a.recordEvent(ev('c1', 'in', '2026-12-01T08:00:00+08:00'))).outcome).toBe('applied');
    const face = ev('c1', 'out', '2026-12-01T16:30:00+08:00', { edgeId: 'edge-a', eventId: 'e1', source: 'face', confidence: 0.6, needsConfirm: true, recordedBy: null });
    const first = await a.recordEvent(face);
    expect(first).toMatchObject({ outcome: 'applied', event: { state: 'pending', source: 'face', edgeId: 'edge-a' } });
    expect((await a.recordEvent(face)).outcome).toBe('duplicate');
    expect((await a.recordEvent(ev('nobody', 'in', NOW))).outcome).toBe('unknown_child');
    expect((await a.recordEvent(ev('c1', 'in', NOW, { institutionId: 'inst-b' }))).outcome).toBe('unknown_child');
    let days = await a.listDays(ALL, 'inst-a', '2026-12-01', '2026-12-01');
    expect(days).toEqual([expect.objectContaining({ childId: 'c1', date: '2026-12-01', minutes: 0, open: true })]);
    expect(await a.decide(inst('inst-b'), 'inst-a', first.event!.id, true, 't', NOW)).toBeNull();
    expect(await a.decide(inst('inst-a'), 'inst-a', first.event!.id, true, 't', NOW)).toMatchObject({ state: 'counted', decidedBy: 't' });
    expect(await a.decide(inst('inst-a'), 'inst-a', first.event!.id, false, 't', NOW)).toBeNull();
    days = await a.listDays(ALL, 'inst-a', '2026-12-01', '2026-12-01');
    expect(days).toEqual([{ childId: 'c1', date: '2026-12-01', firstIn: '2026-12-01T00:00:00.000Z', lastOut: '2026-12-01T08:30:00.000Z', minutes: 510, open: false, sources: ['face', 'staff'] }]);
    // Local day: 23:30 UTC on 2026-12-01 is 07:30 on 2026-12-02 in Shanghai.
    await a.recordEvent(ev('c1', 'in', '2026-12-01T23:30:00Z'));
    expect((await a.listDays(ALL, 'inst-a', '2026-12-02', '2026-12-02')).map((d) => d.date)).toEqual(['2026-12-02']);
    expect(await a.deleteChild(ALL, 'inst-a', 'c1')).toBe('has_attendance');
    const month = await a.monthRecords(ALL, 'inst-a', '2026-12');
    expect(month).toEqual([{ childId: 'c1', name: '孩子 c1', classType: 'toddler_small', dayMinutes: expect.arrayContaining([510, 0]) }]);
    expect(await a.monthRecords(inst('inst-b'), 'inst-a', '2026-12')).toBeNull();
  });

  it('submits a report once (locked), the regulator of its district approves it once', async () => {
    const a = get().store.attendance;
    const report = {
      institutionId: 'inst-a', month: '2026-11', timeZone: 'Asia/Shanghai', rules: { fullDayHours: 8, halfDayHours: 4, fullMonthDays: 15, rates: {} }, rows: [],
      totals: { children: 0, fullDays: 0, halfDays: 0, countedDays: 0, fullMonths: 0, amount: 0 },
      status: 'submitted' as const, submittedBy: 'admin', submittedAt: NOW, approvedBy: null, approvedAt: null,
    };
    expect(await a.submitReport(inst('inst-b'), report)).toBe('out_of_scope');
    expect(await a.submitReport(inst('inst-a'), report)).toBe('submitted');
    expect(await a.submitReport(inst('inst-a'), report)).toBe('locked');
    expect(await a.approveReport(region('dist-2'), 'inst-a', '2026-11', 'reg', NOW)).toBeNull();
    expect(await a.approveReport(region('dist-1'), 'inst-a', '2026-10', 'reg', NOW)).toBe('not_submitted');
    expect(await a.approveReport(region('dist-1'), 'inst-a', '2026-11', 'reg', NOW)).toMatchObject({ status: 'approved', approvedBy: 'reg' });
    expect(await a.approveReport(region('dist-1'), 'inst-a', '2026-11', 'reg', NOW)).toBe('approved_already');
    expect(await a.listSubmissions(region('dist-1'))).toEqual([expect.objectContaining({ institutionId: 'inst-a', month: '2026-11', status: 'approved', children: 0 })]);
    expect(await a.listSubmissions(region('dist-2'))).toEqual([]);
  });

  it('counts places and enrolment per institution; flags days with more children checked in than people seen', async () => {
    const a = get().store.attendance;
    expect(await a.setPlaces(inst('inst-b'), 'inst-a', { infant: 10 })).toBe(false);
    expect(await a.setPlaces(inst('inst-a'), 'inst-a', { infant: 10, toddler_small: 15 })).toBe(true);
    for (let i = 0; i < 3; i++) await a.saveChild(ALL, child(`k${i}`), NOW);
    await a.saveChild(ALL, child('old', { enrolledTo: '2026-10-31' }), NOW);
    const p = await a.places(region('dist-1'), '2026-12-01');
    expect(p.find((x) => x.institutionId === 'inst-a')).toMatchObject({ places: { infant: 10, toddler_small: 15 }, enrolled: { toddler_small: 3 } });
    expect(p.map((x) => x.institutionId).sort()).toEqual(['inst-a', 'inst-b']);
    for (let i = 0; i < 3; i++) await a.recordEvent(ev(`k${i}`, 'in', '2026-12-01T01:00:00Z'));
    await a.recordPeopleSeen('inst-a', 'cam-1', '2026-11-30T16:00:00Z', 1);
    await a.recordPeopleSeen('inst-a', 'cam-1', '2026-11-30T16:00:00Z', 2);
    await a.recordPeopleSeen('inst-a', 'cam-1', '2026-11-30T16:00:00Z', 1);
    expect(await a.crossCheck(region('dist-1'), '2026-12-01', '2026-12-01')).toEqual([{ institutionId: 'inst-a', roomId: 'room-1', date: '2026-12-01', checkedIn: 3, maxPeopleSeen: 2 }]);
    expect(await a.crossCheck(region('dist-2'), '2026-12-01', '2026-12-01')).toEqual([]);
    await a.recordPeopleSeen('inst-a', 'cam-1', '2026-11-30T16:00:00Z', 5);
    expect(await a.crossCheck(ALL, '2026-12-01', '2026-12-01')).toEqual([]);
  });

  it('versions edge configs, keeps them pending until acked, ignores stale acks', async () => {
    const a = get().store.attendance;
    const build = (ids: string[]) => (version: number): EdgeConfig => ({ schema: SCHEMA_VERSION, institutionId: 'inst-a', edgeId: 'edge-a', version, issuedAt: NOW, faceConsent: { childIds: ids } });
    expect((await a.nextEdgeConfig('inst-a', 'edge-a', build(['c1']))).version).toBe(1);
    expect((await a.nextEdgeConfig('inst-a', 'edge-a', build([]))).version).toBe(2);
    await a.markPublished('edge-a', 2, NOW);
    const pending = await a.pendingEdgeConfigs();
    expect(pending).toEqual([{ config: expect.objectContaining({ version: 2, faceConsent: { childIds: [] } }), publishes: 1, lastPublishedAt: NOW }]);
    const ack = { schema: SCHEMA_VERSION, institutionId: 'inst-a', edgeId: 'edge-a', at: NOW, ok: true, enrolled: [], deleted: ['c1'] };
    expect(await a.recordAck({ ...ack, version: 3 }, NOW)).toBe('unknown');
    expect(await a.recordAck({ ...ack, institutionId: 'inst-b', version: 2 }, NOW)).toBe('unknown');
    expect(await a.recordAck({ ...ack, version: 2 }, NOW)).toBe('applied');
    expect(await a.recordAck({ ...ack, version: 1 }, NOW)).toBe('stale');
    expect(await a.pendingEdgeConfigs()).toEqual([]);
    expect(await a.edgeConfigStates(inst('inst-a'), 'inst-a')).toEqual([expect.objectContaining({ edgeId: 'edge-a', version: 2, ackedVersion: 2, ackOk: true, enrolled: [], deletedAt: NOW })]);
    expect(await a.edgeConfigStates(inst('inst-b'), 'inst-a')).toEqual([]);
    expect(await a.edgeIdsOf('inst-a')).toEqual(['edge-a']);
  });
}
