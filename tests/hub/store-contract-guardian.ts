/** Contract: guardian invites and links, incident ↔ child links, notices (issue 26), on both backends. */
import { expect, it } from 'vitest';
import type { GetStore } from './store-contract.ts';
import { ALL, event } from './store-fixtures.ts';

const NOW = '2026-12-01T10:00:00.000Z';
const LATER = '2026-12-09T10:00:00.000Z';
const invite = (childId: string, institutionId = 'inst-a', expiresAt = '2026-12-08T10:00:00.000Z') =>
  ({ institutionId, childId, guardianN: 0, createdBy: 'admin', createdAt: NOW, expiresAt });

export function guardianContract(get: GetStore): void {
  const setup = async () => {
    const { store } = get();
    for (const [i, id] of [['inst-a', 'kid-1'], ['inst-a', 'kid-2'], ['inst-b', 'kid-1']] as const) {
      await store.attendance.saveChild(ALL, { institutionId: i, id, name: `孩子 ${i} ${id}`, birthMonth: '2025-06', classType: 'toddler_small', roomId: 'room-1', enrolledFrom: '2026-09-01', enrolledTo: null, guardians: [{ name: '妈妈' }] }, NOW);
    }
    return store;
  };

  it('guardian: an invite redeems once, into a guardian account linked to that child only', async () => {
    const store = await setup();
    expect(await store.guardian.createInvite('h1', invite('kid-1'))).toBe(true);
    expect(await store.guardian.createInvite('h-nobody', { ...invite('kid-1'), guardianN: 3 })).toBe(false);
    const res = await store.guardian.redeemInvite('h1', { username: 'mum', displayName: '妈妈', passwordHash: 'x' }, NOW);
    expect(res.outcome).toBe('created');
    const userId = res.outcome === 'created' ? res.userId : '';
    expect((await store.getUser(userId))?.role).toBe('guardian');
    expect((await store.getUser(userId))?.institutionId).toBe('inst-a');
    expect((await store.guardian.redeemInvite('h1', { username: 'mum2', displayName: 'x', passwordHash: 'x' }, NOW)).outcome).toBe('used');
    expect(await store.guardian.linkFor(userId, 'kid-1')).toMatchObject({ institutionId: 'inst-a', childId: 'kid-1', guardianN: 0 });
    expect(await store.guardian.linkFor(userId, 'kid-2')).toBeNull();
    expect(await store.guardian.guardiansOfChild('inst-a', 'kid-1')).toEqual([userId]);
    expect(await store.guardian.guardiansOfChild('inst-b', 'kid-1')).toEqual([]);
    // Expired, unknown, taken username; another institution's invite for an existing account.
    await store.guardian.createInvite('h2', invite('kid-2'));
    expect((await store.guardian.redeemInvite('h2', { username: 'late', displayName: 'x', passwordHash: 'x' }, LATER)).outcome).toBe('expired');
    expect((await store.guardian.redeemInvite('nope', { username: 'x1', displayName: 'x', passwordHash: 'x' }, NOW)).outcome).toBe('invalid');
    expect((await store.guardian.redeemInvite('h2', { username: 'mum', displayName: 'x', passwordHash: 'x' }, NOW)).outcome).toBe('username_taken');
    await store.guardian.createInvite('h3', invite('kid-1', 'inst-b'));
    expect((await store.guardian.redeemInviteFor('h3', userId, 'inst-a', NOW)).outcome).toBe('invalid');
    expect((await store.guardian.redeemInviteFor('h2', userId, 'inst-a', NOW)).outcome).toBe('created');
    expect((await store.guardian.linksOf(userId)).map((l) => l.childId)).toEqual(['kid-1', 'kid-2']);
  });

  it('guardian: incident ↔ child links refuse children not on the roster; notices per institution', async () => {
    const store = await setup();
    expect(await store.guardian.linkIncident('inst-a', 'inc-1', ['kid-1', 'ghost'], 'admin', NOW)).toEqual({ unknown: ['ghost'] });
    expect(await store.guardian.incidentChildren('inst-a', 'inc-1')).toEqual([]);
    await store.guardian.linkIncident('inst-a', 'inc-1', ['kid-1', 'kid-2', 'kid-1'], 'admin', NOW);
    expect(await store.guardian.incidentChildren('inst-a', 'inc-1')).toEqual(['kid-1', 'kid-2']);
    await store.guardian.linkIncident('inst-a', 'inc-1', ['kid-2'], 'admin', NOW);
    expect(await store.guardian.incidentsOfChild('inst-a', 'kid-1')).toEqual([]);
    expect(await store.guardian.incidentsOfChild('inst-a', 'kid-2')).toEqual(['inc-1']);
    expect(await store.guardian.incidentsOfChild('inst-b', 'kid-2')).toEqual([]);
    await store.guardian.postNotice({ id: 'n1', institutionId: 'inst-a', title: 't', body: 'b', postedBy: 'admin', postedAt: NOW });
    expect((await store.guardian.listNotices('inst-a', 10)).map((n) => n.id)).toEqual(['n1']);
    expect(await store.guardian.listNotices('inst-b', 10)).toEqual([]);
    const res = await store.guardian.redeemInvite((await store.guardian.createInvite('h9', invite('kid-1')), 'h9'), { username: 'dad', displayName: 'x', passwordHash: 'x' }, NOW);
    const uid = res.outcome === 'created' ? res.userId : '';
    expect(await store.guardian.noticesSeenAt(uid)).toBeNull();
    await store.guardian.markNoticesSeen(uid, NOW);
    await store.guardian.markNoticesSeen(uid, LATER);
    expect(await store.guardian.noticesSeenAt(uid)).toBe(LATER);
  });

  it("guardian: retention purges an incident's child links with it", async () => {
    const store = await setup();
    await store.applyIncidentEvent(event('open', 0, { id: 'old' }), '2026-11-20T02:00:00.000Z');
    await store.guardian.linkIncident('inst-a', 'old', ['kid-1'], 'admin', NOW);
    expect(await store.guardian.incidentsOfChild('inst-a', 'kid-1')).toEqual(['old']);
    expect((await store.purgeIncidents('2027-06-01T00:00:00Z')).map((p) => p.id)).toContain('old');
    expect(await store.guardian.incidentsOfChild('inst-a', 'kid-1')).toEqual([]);
  });
}
