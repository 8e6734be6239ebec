/** Contract: the ingest path (idempotency, order, conflicts) and incident queries. */
import { expect, it } from 'vitest';
import type { IncidentFilter } from '../../hub/store/types.ts';
import type { GetStore } from './store-contract.ts';
import { ALL, event, inst, region } from './store-fixtures.ts';

const page: IncidentFilter = { limit: 50, offset: 0 };

export function incidentContract(get: GetStore): void {
  it('opens an incident from an open event', async () => {
    const { store } = get();
    const r = await store.applyIncidentEvent(event('open', 0, { message: '跌倒', severity: 'critical' }));
    expect(r.outcome).toBe('applied');
    expect(r.outcome === 'applied' && r.incident).toEqual({
      id: 'inc-1',
      institutionId: 'inst-a',
      edgeId: 'edge-a',
      cameraId: 'cam-1',
      zoneId: 'room-1',
      zoneName: null,
      roomId: 'room-1',
      raisedBy: null,
      kind: 'fall',
      severity: 'critical',
      message: '跌倒',
      active: true,
      status: 'new',
      seq: 0,
      startedAt: '2026-11-20T02:00:00.000Z',
      updatedAt: '2026-11-20T02:00:00.000Z',
      resolvedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      closedAt: null,
      closedBy: null,
      outcome: null,
      note: null,
      legalHold: false,
      hasSnapshot: false,
      evidence: { confidence: 0.8, counts: { children: 3 } },
    });
  });

  it('treats a redelivered (id, seq) as a duplicate, even when delivered concurrently', async () => {
    const { store } = get();
    const results = await Promise.all(Array.from({ length: 8 }, () => store.applyIncidentEvent(event('open', 0))));
    expect(results.filter((r) => r.outcome === 'applied')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(7);
    await store.applyIncidentEvent(event('update', 1));
    const again = await store.applyIncidentEvent(event('update', 1, { severity: 'critical' }));
    expect(again.outcome).toBe('duplicate');
    expect(again.outcome === 'duplicate' && again.incident.severity).toBe('warning');
    expect((await store.listIncidents(ALL, page)).total).toBe(1);
    expect((await store.getIncident(ALL, 'inc-1'))?.timeline).toHaveLength(2);
  });

  it('applies updates in seq order and resolves', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0));
    const u = await store.applyIncidentEvent(
      event('update', 1, { severity: 'critical', message: 'still down', evidence: { confidence: 0.95 } }),
    );
    expect(u.outcome === 'applied' && u.incident).toMatchObject({
      seq: 1,
      severity: 'critical',
      message: 'still down',
      evidence: { confidence: 0.95 },
      updatedAt: '2026-11-20T02:00:10.000Z',
      active: true,
    });
    const r = await store.applyIncidentEvent(event('resolved', 2));
    expect(r.outcome === 'applied' && r.incident).toMatchObject({
      seq: 2,
      active: false,
      resolvedAt: '2026-11-20T02:00:20.000Z',
      message: 'still down',
      status: 'new',
    });
  });

  it('keeps stale events in the timeline without changing state', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0));
    await store.applyIncidentEvent(event('update', 2, { severity: 'critical' }));
    const stale = await store.applyIncidentEvent(event('update', 1, { severity: 'info' }));
    expect(stale.outcome).toBe('stale');
    expect(stale.outcome === 'stale' && stale.incident).toMatchObject({ seq: 2, severity: 'critical' });
    const d = await store.getIncident(ALL, 'inc-1');
    expect(d).toMatchObject({ seq: 2, severity: 'critical' });
    expect(d?.timeline.map((t) => [t.type, t.detail?.seq, t.detail?.stale])).toEqual([
      ['opened', 0, false],
      ['updated', 1, true],
      ['updated', 2, false],
    ]);
    expect((await store.applyIncidentEvent(event('update', 1))).outcome).toBe('duplicate');
  });

  it('creates the incident from an update or resolved that overtakes its open', async () => {
    const { store } = get();
    const u = await store.applyIncidentEvent(event('update', 3, { id: 'late-open' }));
    expect(u.outcome === 'applied' && u.incident).toMatchObject({ id: 'late-open', seq: 3, active: true, startedAt: '2026-11-20T02:00:00.000Z' });
    expect((await store.applyIncidentEvent(event('open', 0, { id: 'late-open' }))).outcome).toBe('stale');
    const r = await store.applyIncidentEvent(event('resolved', 1, { id: 'only-resolved' }));
    expect(r.outcome === 'applied' && r.incident).toMatchObject({ active: false, resolvedAt: '2026-11-20T02:00:10.000Z' });
  });

  it('refuses an event whose institution or edge does not own the incident', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0));
    expect(await store.applyIncidentEvent(event('update', 1, { institutionId: 'inst-b', edgeId: 'edge-b' }))).toEqual({
      outcome: 'conflict',
    });
    expect(await store.applyIncidentEvent(event('update', 1, { edgeId: 'edge-a2' }))).toEqual({ outcome: 'conflict' });
    const d = await store.getIncident(ALL, 'inc-1');
    expect(d).toMatchObject({ seq: 0, institutionId: 'inst-a', edgeId: 'edge-a' });
    expect(d?.timeline).toHaveLength(1);
    expect(await store.getIncident(inst('inst-b'), 'inc-1')).toBeNull();
  });

  it('rejects incidents of unknown institutions with a coded error', async () => {
    const { store } = get();
    await expect(store.applyIncidentEvent(event('open', 0, { institutionId: 'ghost' }))).rejects.toMatchObject({
      code: 'unknown_institution',
    });
    await expect(store.applyIncidentEvent(event('open', 0, { at: 'yesterday' }))).rejects.toMatchObject({ code: 'bad_time' });
    expect((await store.listIncidents(ALL, page)).total).toBe(0);
  });

  it('lists incidents with filters, newest first, paginated', async () => {
    const { store } = get();
    const t = (h: number) => `2026-11-20T${String(h).padStart(2, '0')}:00:00.000Z`;
    await store.applyIncidentEvent(event('open', 0, { id: 'a1', startedAt: t(1), at: t(1) }));
    await store.applyIncidentEvent(event('open', 0, { id: 'a2', startedAt: t(2), at: t(2), kind: 'crowding', zoneId: 'play' }));
    await store.applyIncidentEvent(event('open', 0, { id: 'a3', startedAt: t(3), at: t(3), cameraId: 'cam-2', zoneId: null }));
    await store.applyIncidentEvent(event('resolved', 1, { id: 'a3', startedAt: t(3), at: t(4), cameraId: 'cam-2', zoneId: null }));
    await store.applyIncidentEvent(event('open', 0, { id: 'b1', startedAt: t(5), at: t(5), institutionId: 'inst-b', edgeId: 'edge-b' }));
    await store.applyIncidentEvent(event('open', 0, { id: 'c1', startedAt: t(6), at: t(6), institutionId: 'inst-c', edgeId: 'edge-c' }));
    await store.acknowledge(ALL, 'a1', 'u', t(7));
    const ids = async (s: Parameters<typeof store.listIncidents>[0], f: Partial<IncidentFilter> = {}) =>
      (await store.listIncidents(s, { ...page, ...f })).items.map((i) => i.id);
    expect(await ids(ALL)).toEqual(['c1', 'b1', 'a3', 'a2', 'a1']);
    expect(await ids(inst('inst-a'))).toEqual(['a3', 'a2', 'a1']);
    expect(await ids(region('dist-1'))).toEqual(['b1', 'a3', 'a2', 'a1']);
    expect(await ids(region('town-2'))).toEqual(['b1']);
    expect(await ids(region('nowhere'))).toEqual([]);
    expect(await ids(ALL, { kinds: ['crowding', 'ratio'] })).toEqual(['a2']);
    expect(await ids(ALL, { kinds: [] })).toHaveLength(5);
    expect(await ids(ALL, { statuses: ['acknowledged'] })).toEqual(['a1']);
    expect(await ids(ALL, { active: false })).toEqual(['a3']);
    expect(await ids(inst('inst-a'), { active: true })).toEqual(['a2', 'a1']);
    expect(await ids(ALL, { cameraId: 'cam-2' })).toEqual(['a3']);
    expect(await ids(ALL, { zoneId: 'play' })).toEqual(['a2']);
    expect(await ids(ALL, { institutionId: 'inst-b' })).toEqual(['b1']);
    // A filter cannot widen the scope.
    expect(await ids(inst('inst-a'), { institutionId: 'inst-b' })).toEqual([]);
    expect(await ids(ALL, { from: t(2), to: t(5) })).toEqual(['a3', 'a2']);
    expect(await ids(ALL, { from: '2026-11-20T10:00:00+08:00', to: '2026-11-20T11:00:00+08:00' })).toEqual(['a2']);
    const p2 = await store.listIncidents(ALL, { limit: 2, offset: 2 });
    expect(p2.total).toBe(5);
    expect(p2.items.map((i) => i.id)).toEqual(['a3', 'a2']);
  });

  it('hides incidents outside the scope in every read', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0));
    expect(await store.getIncident(inst('inst-a'), 'inc-1')).not.toBeNull();
    expect(await store.getIncident(region('town-1'), 'inc-1')).not.toBeNull();
    expect(await store.getIncident(region('dist-1'), 'inc-1')).not.toBeNull();
    expect(await store.getIncident(inst('inst-b'), 'inc-1')).toBeNull();
    expect(await store.getIncident(region('town-2'), 'inc-1')).toBeNull();
    expect(await store.getIncident(region('dist-2'), 'inc-1')).toBeNull();
    expect(await store.getIncident(ALL, 'missing')).toBeNull();
    expect((await store.listIncidents(region('dist-2'), page)).total).toBe(0);
  });
}
