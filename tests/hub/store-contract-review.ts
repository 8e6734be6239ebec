/** Contract: people's actions on incidents, snapshots, timeline and retention. */
import { expect, it } from 'vitest';
import type { GetStore } from './store-contract.ts';
import { ALL, event, inst, region } from './store-fixtures.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3, 0xff, 0xd9]);
const EDGE_A = { institutionId: 'inst-a', edgeId: 'edge-a' };
const EDGE_B = { institutionId: 'inst-b', edgeId: 'edge-b' };

export function reviewContract(get: GetStore): void {
  it('keeps the first acknowledgement', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0));
    const a = await store.acknowledge(inst('inst-a'), 'inc-1', 'alice', '2026-11-20T02:01:00Z');
    expect(a).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice', acknowledgedAt: '2026-11-20T02:01:00.000Z' });
    const b = await store.acknowledge(ALL, 'inc-1', 'bob', '2026-11-20T02:02:00Z');
    expect(b).toMatchObject({ acknowledgedBy: 'alice', acknowledgedAt: '2026-11-20T02:01:00.000Z' });
    const d = await store.getIncident(ALL, 'inc-1');
    expect(d?.timeline.filter((t) => t.type === 'acknowledged')).toEqual([
      { at: '2026-11-20T02:01:00.000Z', type: 'acknowledged', by: 'alice', detail: null },
    ]);
  });

  it('closes with outcome and note, acknowledging if needed; the first close wins', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0));
    const c = await store.close(inst('inst-a'), 'inc-1', 'admin', '2026-11-20T03:00:00Z', 'no_injury', '检查无碍');
    expect(c).toMatchObject({
      status: 'closed',
      closedBy: 'admin',
      closedAt: '2026-11-20T03:00:00.000Z',
      outcome: 'no_injury',
      note: '检查无碍',
      acknowledgedBy: 'admin',
      acknowledgedAt: '2026-11-20T03:00:00.000Z',
    });
    const again = await store.close(ALL, 'inc-1', 'other', '2026-11-20T04:00:00Z', 'false_alarm', '');
    expect(again).toMatchObject({ closedBy: 'admin', outcome: 'no_injury' });
    expect(await store.acknowledge(ALL, 'inc-1', 'late', '2026-11-20T05:00:00Z')).toMatchObject({ status: 'closed', acknowledgedBy: 'admin' });

    await store.applyIncidentEvent(event('open', 0, { id: 'inc-2' }));
    await store.acknowledge(ALL, 'inc-2', 'sup', '2026-11-20T02:30:00Z');
    expect(await store.close(ALL, 'inc-2', 'admin', '2026-11-20T03:00:00Z', 'other', 'x')).toMatchObject({
      acknowledgedBy: 'sup',
      acknowledgedAt: '2026-11-20T02:30:00.000Z',
      closedBy: 'admin',
    });
  });

  it('refuses actions outside the scope and leaves the incident unchanged', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0));
    expect(await store.acknowledge(inst('inst-b'), 'inc-1', 'x', '2026-11-20T03:00:00Z')).toBeNull();
    expect(await store.acknowledge(region('dist-2'), 'inc-1', 'x', '2026-11-20T03:00:00Z')).toBeNull();
    expect(await store.close(region('town-2'), 'inc-1', 'x', '2026-11-20T03:00:00Z', 'other', '')).toBeNull();
    expect(await store.setLegalHold(inst('inst-c'), 'inc-1', true, 'x', '2026-11-20T03:00:00Z')).toBeNull();
    expect(await store.acknowledge(ALL, 'missing', 'x', '2026-11-20T03:00:00Z')).toBeNull();
    const d = await store.getIncident(ALL, 'inc-1');
    expect(d).toMatchObject({ status: 'new', legalHold: false, acknowledgedBy: null });
    expect(d?.timeline).toHaveLength(1);
    expect(await store.acknowledge(region('town-1'), 'inc-1', 'reg', '2026-11-20T03:00:00Z')).toMatchObject({
      status: 'acknowledged',
    });
  });

  it('orders the timeline by time across edge events and people', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0));
    await store.acknowledge(ALL, 'inc-1', 'sup', '2026-11-20T02:00:05Z');
    await store.applyIncidentEvent(event('update', 1));
    await store.applyIncidentEvent(event('resolved', 2));
    await store.close(ALL, 'inc-1', 'admin', '2026-11-20T02:10:00Z', 'minor_injury', 'ice pack');
    await store.setLegalHold(ALL, 'inc-1', true, 'admin', '2026-11-20T02:11:00Z');
    const d = await store.getIncident(ALL, 'inc-1');
    expect(d?.timeline.map((t) => [t.type, t.at, t.by])).toEqual([
      ['opened', '2026-11-20T02:00:00.000Z', null],
      ['acknowledged', '2026-11-20T02:00:05.000Z', 'sup'],
      ['updated', '2026-11-20T02:00:10.000Z', null],
      ['resolved', '2026-11-20T02:00:20.000Z', null],
      ['closed', '2026-11-20T02:10:00.000Z', 'admin'],
      ['legal_hold', '2026-11-20T02:11:00.000Z', 'admin'],
    ]);
    expect(d?.timeline[4]?.detail).toEqual({ outcome: 'minor_injury', note: 'ice pack' });
    expect(d?.timeline[5]?.detail).toEqual({ hold: true });
    expect(d?.timeline[0]?.detail).toMatchObject({ seq: 0, severity: 'warning', evidence: { confidence: 0.8 } });
  });

  it('stores snapshots only from the edge that owns the incident, and serves them scoped', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0));
    expect(await store.putSnapshot(EDGE_B, 'inc-1', JPEG)).toBe('unknown');
    expect(await store.putSnapshot(EDGE_A, 'missing', JPEG)).toBe('unknown');
    // A sibling edge of the same institution cannot write another edge's snapshot.
    expect(await store.putSnapshot({ institutionId: 'inst-a', edgeId: 'edge-a2' }, 'inc-1', JPEG)).toBe('not_owner');
    expect(await store.getSnapshot(ALL, 'inc-1')).toBeNull();
    expect(await store.putSnapshot(EDGE_A, 'inc-1', JPEG)).toBe('stored');
    expect(await store.putSnapshot(EDGE_A, 'inc-1', JPEG)).toBe('duplicate');
    expect((await store.getIncident(ALL, 'inc-1'))?.hasSnapshot).toBe(true);
    expect(await store.getSnapshot(inst('inst-a'), 'inc-1')).toEqual(JPEG);
    expect(await store.getSnapshot(region('dist-1'), 'inc-1')).toEqual(JPEG);
    expect(await store.getSnapshot(inst('inst-b'), 'inc-1')).toBeNull();
    expect(await store.getSnapshot(region('dist-2'), 'inc-1')).toBeNull();
    const newer = Buffer.concat([JPEG, JPEG]);
    expect(await store.putSnapshot(EDGE_A, 'inc-1', newer)).toBe('stored');
    expect(await store.getSnapshot(ALL, 'inc-1')).toEqual(newer);
  });

  it('freezes an incident on legal hold: the edge ends it but cannot rewrite it or its snapshot', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0, { message: 'child fell', evidence: { confidence: 0.9 } }));
    await store.putSnapshot(EDGE_A, 'inc-1', JPEG);
    await store.setLegalHold(ALL, 'inc-1', true, 'admin', '2026-11-20T02:10:00Z');
    const rewrite = await store.applyIncidentEvent(event('update', 1, { message: 'nothing happened', severity: 'info', evidence: { confidence: 0.1 } }));
    expect(rewrite).toMatchObject({ outcome: 'applied', refused: ['severity', 'message', 'evidence'] });
    expect(await store.putSnapshot(EDGE_A, 'inc-1', Buffer.concat([JPEG, JPEG]))).toBe('held');
    const ended = await store.applyIncidentEvent(event('resolved', 2, { message: 'child fell', evidence: { confidence: 0.9 } }));
    expect(ended).toMatchObject({ outcome: 'applied' });
    expect(ended.outcome === 'applied' && ended.refused).toBeFalsy();
    const d = await store.getIncident(ALL, 'inc-1');
    expect(d).toMatchObject({ message: 'child fell', severity: 'warning', evidence: { confidence: 0.9 }, active: false, seq: 2, legalHold: true });
    expect(await store.getSnapshot(ALL, 'inc-1')).toEqual(JPEG);
    // The refused update stays visible in the timeline, marked.
    expect(d?.timeline.find((t) => t.detail?.['seq'] === 1)?.detail).toMatchObject({ message: 'nothing happened', refused: ['severity', 'message', 'evidence'] });
    // Released, the edge's updates apply again.
    await store.setLegalHold(ALL, 'inc-1', false, 'admin', '2026-11-20T02:20:00Z');
    await store.applyIncidentEvent(event('update', 3, { message: 'reviewed' }));
    expect((await store.getIncident(ALL, 'inc-1'))?.message).toBe('reviewed');
  });

  it('purges by the hub clock: incidents idle since before the cut-off, never legal holds, whatever the edge times', async () => {
    const { store } = get();
    const hub = (iso: string) => iso;
    const aug = hub('2026-08-01T00:00:00.000Z');
    const edgeTimes = { startedAt: '2026-08-01T00:00:00Z', at: '2026-08-01T00:00:00Z' };
    for (const id of ['gone', 'held', 'never-ended', 'closed-only', 'recent']) {
      await store.applyIncidentEvent(event('open', 0, { id, ...edgeTimes }), aug);
    }
    await store.applyIncidentEvent(event('resolved', 1, { id: 'gone', ...edgeTimes, at: '2026-08-01T00:05:00Z' }), aug);
    await store.applyIncidentEvent(event('resolved', 1, { id: 'held', ...edgeTimes, at: '2026-08-01T00:05:00Z' }), aug);
    // An edge clock in 2099 does not keep it; one in 2000 does not purge it early.
    await store.applyIncidentEvent(event('open', 0, { id: 'far-future', startedAt: '2099-01-01T00:00:00Z', at: '2099-01-01T00:00:00Z' }), aug);
    await store.applyIncidentEvent(event('resolved', 1, { id: 'far-future', startedAt: '2099-01-01T00:00:00Z', at: '2099-01-02T00:00:00Z' }), aug);
    await store.applyIncidentEvent(event('open', 0, { id: 'far-past', startedAt: '2000-01-01T00:00:00Z', at: '2000-01-01T00:00:00Z' }), hub('2026-11-01T00:00:00.000Z'));
    await store.applyIncidentEvent(event('resolved', 1, { id: 'recent', ...edgeTimes }), hub('2026-11-01T00:00:00.000Z'));
    await store.close(ALL, 'closed-only', 'admin', '2026-08-02T00:00:00Z', 'false_alarm', '');
    await store.setLegalHold(ALL, 'held', true, 'admin', '2026-08-03T00:00:00Z');
    expect(await store.putSnapshot(EDGE_A, 'gone', JPEG)).toBe('stored');

    const purged = await store.purgeIncidents('2026-09-01T00:00:00Z');
    expect(purged.map((p) => p.id).sort()).toEqual(['closed-only', 'far-future', 'gone', 'never-ended']);
    expect(purged.every((p) => p.institutionId === 'inst-a')).toBe(true);
    const left = (await store.listIncidents(ALL, { limit: 50, offset: 0 })).items.map((i) => i.id).sort();
    expect(left).toEqual(['far-past', 'held', 'recent']);
    expect(await store.getSnapshot(ALL, 'gone')).toBeNull();
    expect(await store.getIncident(ALL, 'gone')).toBeNull();
    // Retention forgets the id: a very late redelivery comes back as a new incident.
    expect((await store.applyIncidentEvent(event('update', 1, { id: 'gone', ...edgeTimes }))).outcome).toBe('applied');

    // Releasing the hold is activity too: it is purged a retention period after that.
    await store.setLegalHold(ALL, 'held', false, 'admin', '2026-11-10T00:00:00Z');
    expect(await store.purgeIncidents('2026-09-01T00:00:00Z')).toEqual([]);
    expect((await store.purgeIncidents('2026-11-11T00:00:00Z')).map((p) => p.id)).toContain('held');
  });
}
