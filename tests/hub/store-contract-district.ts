/**
 * Contract: what the district port and the wall rely on: each institution's time zone and
 * demo mark, towns and districts with display names (scoped), the hub's room of an
 * incident (zone ids of the edge are not room ids), and a person's one-button alarm.
 */
import { expect, it } from 'vitest';
import type { RegionView } from '../../protocol/index.ts';
import type { GetStore } from './store-contract.ts';
import { ALL, event, inst, region } from './store-fixtures.ts';

const town = (id: string, parentId: string, name: string): RegionView => ({ id, kind: 'town', name, nameEn: `${id} town`, parentId, demo: false });

export function districtContract(get: GetStore): void {
  it('keeps each institution\'s time zone (Asia/Shanghai unless given) and demo mark', async () => {
    const { store } = get();
    expect((await store.listInstitutions(inst('inst-a')))[0]).toMatchObject({ timeZone: 'Asia/Shanghai', demo: false });
    await store.upsertInstitution({ id: 'inst-ny', name: 'NY', level: 'level1', townId: 'town-1', districtId: 'dist-1', registered: true, timeZone: 'America/New_York', demo: true });
    await store.upsertInstitution({ id: 'inst-dflt', name: 'D', level: 'level1', townId: 'town-1', districtId: 'dist-1', registered: true });
    const byId = new Map((await store.listInstitutions(ALL)).map((i) => [i.id, i]));
    expect(byId.get('inst-ny')).toMatchObject({ timeZone: 'America/New_York', demo: true });
    expect(byId.get('inst-dflt')).toMatchObject({ timeZone: 'Asia/Shanghai', demo: false });
  });

  it('lists the towns and districts of a scope with their display names, and no others', async () => {
    const { store } = get();
    await store.upsertRegion({ id: 'dist-1', kind: 'district', name: '柯桥区', nameEn: 'Keqiao', parentId: null, demo: false });
    await store.upsertRegion(town('town-1', 'dist-1', '柯桥街道'));
    await store.upsertRegion(town('town-2', 'dist-1', '华舍街道'));
    await store.upsertRegion(town('town-3', 'dist-2', '远方镇'));
    await store.upsertRegion(town('town-empty', 'dist-1', '新城街道'));
    const ids = async (s: Parameters<typeof store.listRegions>[0]) => (await store.listRegions(s)).map((r) => r.id).sort();
    expect(await ids(region('dist-1'))).toEqual(['dist-1', 'town-1', 'town-2', 'town-empty']);
    expect(await ids(inst('inst-a'))).toEqual(['dist-1', 'town-1']);
    expect(await ids(region('town-3'))).toEqual(['town-3']);
    await store.upsertRegion({ ...town('town-1', 'dist-1', '柯桥街道（新）'), nameEn: null });
    expect((await store.listRegions(inst('inst-a'))).find((r) => r.id === 'town-1')).toMatchObject({ name: '柯桥街道（新）', nameEn: null });
  });

  it('files an incident under the hub\'s room: its zone when that is a room, else its camera\'s room', async () => {
    const { store } = get();
    await store.upsertRoom({ id: 'room-2', institutionId: 'inst-a', name: '托小班', type: 'room', classType: 'toddler_small', capacity: 15, polygon: null });
    const inRoom = await store.applyIncidentEvent(event('open', 0, { id: 'z-room', zoneId: 'room-2' }));
    const inZone = await store.applyIncidentEvent(event('open', 0, { id: 'z-zone', zoneId: 'demo-zone', zoneName: '演示区', kind: 'crowding' }));
    expect(inRoom.outcome === 'applied' && inRoom.incident).toMatchObject({ zoneId: 'room-2', roomId: 'room-2', zoneName: null });
    // The edge's zone `demo-zone` is no room of the hub: the camera's room (room-1) is.
    expect(inZone.outcome === 'applied' && inZone.incident).toMatchObject({ zoneId: 'demo-zone', roomId: 'room-1', zoneName: '演示区' });
    const inRoom1 = await store.listIncidents(inst('inst-a'), { roomId: 'room-1', limit: 10, offset: 0 });
    expect(inRoom1.items.map((i) => i.id)).toEqual(['z-zone']);
    expect((await store.listIncidents(inst('inst-a'), { roomId: 'room-2', limit: 10, offset: 0 })).items.map((i) => i.id)).toEqual(['z-room']);
  });

  it('raises a critical alarm for a person, new until acknowledged, in scope only', async () => {
    const { store } = get();
    const at = '2026-11-20T03:00:00.000Z';
    const view = await store.raiseAlarm(inst('inst-a'), { id: 'alarm-1', institutionId: 'inst-a', roomId: 'room-1', by: 'sup-a', at, note: '幼儿误吞异物' });
    expect(view).toMatchObject({
      id: 'alarm-1', kind: 'alarm', severity: 'critical', status: 'new', active: false, edgeId: null, cameraId: null,
      roomId: 'room-1', raisedBy: 'sup-a', startedAt: at, resolvedAt: at, message: '幼儿误吞异物',
    });
    const detail = await store.getIncident(inst('inst-a'), 'alarm-1');
    expect(detail?.timeline).toEqual([{ at, type: 'raised', by: 'sup-a', detail: { note: '幼儿误吞异物' } }]);
    expect(await store.raiseAlarm(inst('inst-b'), { id: 'alarm-2', institutionId: 'inst-a', roomId: null, by: 'x', at, note: '' })).toBeNull();
    await expect(store.raiseAlarm(inst('inst-a'), { id: 'alarm-3', institutionId: 'inst-a', roomId: 'nope', by: 'x', at, note: '' })).rejects.toThrow(/unknown room/);
    expect((await store.acknowledge(inst('inst-a'), 'alarm-1', 'sup-a', at))?.status).toBe('acknowledged');
  });
}
