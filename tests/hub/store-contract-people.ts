/** Contract: users, sessions, the append-only audit log, and incident statistics. */
import { expect, it } from 'vitest';
import type { NewUser } from '../../hub/store/types.ts';
import type { GetStore } from './store-contract.ts';
import { ALL, INST_A, event, inst, region } from './store-fixtures.ts';

const ALICE: NewUser = {
  username: 'alice',
  displayName: '王老师',
  role: 'supervisor',
  institutionId: 'inst-a',
  regionId: null,
  passwordHash: 'scrypt$16384$8$1$salt$hash',
};

export function peopleContract(get: GetStore): void {
  it('creates users with unique usernames', async () => {
    const { store } = get();
    const id = await store.createUser(ALICE);
    const view = { id, username: 'alice', displayName: '王老师', role: 'supervisor', institutionId: 'inst-a', regionId: null };
    expect(await store.getUser(id)).toEqual(view);
    expect(await store.getUserByUsername('alice')).toEqual({ ...view, passwordHash: ALICE.passwordHash });
    expect(await store.getUserByUsername('nobody')).toBeNull();
    expect(await store.getUser('missing')).toBeNull();
    await expect(store.createUser({ ...ALICE, displayName: 'dup' })).rejects.toMatchObject({ code: 'username_taken' });
    const reg = await store.createUser({ ...ALICE, username: 'reg', role: 'regulator', institutionId: null, regionId: 'dist-1' });
    expect(await store.getUser(reg)).toMatchObject({ role: 'regulator', regionId: 'dist-1', institutionId: null });
  });

  it('keeps sessions until they expire or are deleted', async () => {
    const { store } = get();
    const id = await store.createUser(ALICE);
    await store.createSession('h1', id, '2026-11-20T12:00:00Z');
    expect(await store.getSessionUser('h1', '2026-11-20T11:59:59Z')).toMatchObject({ id, username: 'alice' });
    expect(await store.getSessionUser('h1', '2026-11-20T12:00:00Z')).toBeNull();
    expect(await store.getSessionUser('other', '2026-11-20T10:00:00Z')).toBeNull();
    await store.createSession('h2', id, '2026-11-21T00:00:00Z');
    await store.deleteSession('h2');
    expect(await store.getSessionUser('h2', '2026-11-20T10:00:00Z')).toBeNull();
  });

  it('appends audit entries, lists them newest first and scoped', async () => {
    const { store } = get();
    const base = { actor: 'alice', action: 'snapshot.view', detail: null };
    await store.audit({ ...base, at: '2026-11-20T01:00:00Z', target: 'snapshot:i1', institutionId: 'inst-a' });
    await store.audit({ ...base, at: '2026-11-20T02:00:00Z', target: 'snapshot:i2', institutionId: 'inst-b', detail: { ip: '127.0.0.1' } });
    await store.audit({ ...base, at: '2026-11-20T03:00:00Z', target: 'export:incidents', institutionId: null, action: 'export' });
    expect((await store.listAudit(ALL, 10)).map((e) => e.target)).toEqual(['export:incidents', 'snapshot:i2', 'snapshot:i1']);
    expect((await store.listAudit(ALL, 1)).map((e) => e.target)).toEqual(['export:incidents']);
    expect(await store.listAudit(inst('inst-a'), 10)).toEqual([
      { ...base, at: '2026-11-20T01:00:00.000Z', target: 'snapshot:i1', institutionId: 'inst-a' },
    ]);
    expect((await store.listAudit(region('dist-1'), 10)).map((e) => e.detail)).toEqual([{ ip: '127.0.0.1' }, null]);
    expect(await store.listAudit(region('dist-2'), 10)).toEqual([]);
  });

  it('refuses to update or delete audit entries, even behind the store', async () => {
    const { store, rawSql } = get();
    await store.audit({ at: '2026-11-20T01:00:00Z', actor: 'a', action: 'x', target: 't', institutionId: 'inst-a', detail: null });
    await expect(rawSql(`UPDATE audit SET actor = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(rawSql('DELETE FROM audit')).rejects.toThrow(/append-only/);
    expect((await store.listAudit(ALL, 10)).map((e) => e.actor)).toEqual(['a']);
  });

  it('counts incidents per local day and kind, with acknowledgement delays', async () => {
    const { store } = get();
    // 2026-11-19T17:00Z is 2026-11-20 01:00 in Shanghai: it belongs to the 20th.
    const starts = ['2026-11-19T17:00:00Z', '2026-11-20T02:00:00Z', '2026-11-20T03:00:00Z', '2026-11-20T17:00:00Z'];
    const kinds = ['fall', 'fall', 'crowding', 'fall'] as const;
    const ackAfterS = [10, 20, 30, null];
    for (const [n, startedAt] of starts.entries()) {
      const id = `s${n}`;
      await store.applyIncidentEvent(event('open', 0, { id, startedAt, at: startedAt, kind: kinds[n]! }));
      const d = ackAfterS[n];
      if (d != null) await store.acknowledge(ALL, id, 'sup', new Date(Date.parse(startedAt) + d * 1000).toISOString());
    }
    await store.applyIncidentEvent(event('open', 0, { id: 'other', institutionId: 'inst-c', edgeId: 'edge-c', startedAt: starts[1]! }));
    await store.applyIncidentEvent(event('open', 0, { id: 'early', startedAt: '2026-11-19T15:59:59Z' }));

    const stats = await store.incidentStats(inst('inst-a'), { from: '2026-11-20', to: '2026-11-21' });
    expect(stats.perDay).toEqual([
      { date: '2026-11-20', kind: 'crowding', count: 1 },
      { date: '2026-11-20', kind: 'fall', count: 2 },
      { date: '2026-11-21', kind: 'fall', count: 1 },
    ]);
    expect(stats.ackSeconds).toEqual({ n: 3, median: 20, p90: 28 });

    expect(stats.timeZones).toEqual(['Asia/Shanghai']);
    // The same incidents, counted by an institution whose days are UTC days.
    await store.upsertInstitution({ ...INST_A, timeZone: 'UTC' });
    const utc = await store.incidentStats(inst('inst-a'), { from: '2026-11-19', to: '2026-11-19' });
    await store.upsertInstitution(INST_A);
    expect(utc.perDay).toEqual([{ date: '2026-11-19', kind: 'fall', count: 2 }]);
    expect(utc.timeZones).toEqual(['UTC']);
    expect((await store.incidentStats(region('dist-2'), { from: '2026-11-20', to: '2026-11-20' })).perDay).toEqual([
      { date: '2026-11-20', kind: 'fall', count: 1 },
    ]);
    expect(await store.incidentStats(region('nowhere'), { from: '2026-11-20', to: '2026-11-21' })).toEqual({
      perDay: [],
      byTown: [],
      ackSeconds: { n: 0, median: null, p90: null },
      timeZones: [],
    });
  });
}
