/** Contract: scoped onboarding writes (institutions, rooms, edges, camera mapping). */
import { expect, it } from 'vitest';
import { StoreError } from '../../hub/store/errors.ts';
import type { GetStore } from './store-contract.ts';
import { ALL, INST_A, INST_C, camStatus, edgeStatus, inst, region } from './store-fixtures.ts';

export function adminContract(get: GetStore): void {
  it('registers institutions only inside the region, never pulling one in from outside', async () => {
    const { store } = get();
    const fresh = { ...INST_A, id: 'inst-new', name: '新园', townId: 'town-9', districtId: 'dist-1' };
    expect(await store.registerInstitution(region('dist-1'), fresh)).toBe('created');
    expect(await store.registerInstitution(region('dist-1'), { ...fresh, level: 'level1' })).toBe('updated');
    expect(await store.registerInstitution(region('town-9'), { ...fresh, level: 'level3' })).toBe('updated');
    expect((await store.listInstitutions(inst('inst-new')))[0]?.level).toBe('level3');
    // Outside the region by its fields, or stored in another region (inst-c is in dist-2).
    expect(await store.registerInstitution(region('dist-1'), { ...fresh, id: 'inst-far', townId: 'town-x', districtId: 'dist-x' })).toBe('out_of_scope');
    expect(await store.registerInstitution(region('dist-1'), { ...INST_C, townId: 'town-1', districtId: 'dist-1' })).toBe('out_of_scope');
    expect(await store.registerInstitution(region(''), { ...fresh, id: 'inst-blank', townId: '', districtId: '' })).toBe('out_of_scope');
    expect((await store.listInstitutions(ALL)).map((i) => i.id)).toEqual(['inst-a', 'inst-b', 'inst-c', 'inst-new']);
    expect((await store.listInstitutions(inst('inst-c')))[0]).toEqual(INST_C);
  });

  it('saves rooms only in an institution of the scope', async () => {
    const { store } = get();
    const room = { id: 'room-2', institutionId: 'inst-a', name: '托大班', type: 'room' as const, classType: 'toddler_large' as const, capacity: 20, polygon: null };
    expect(await store.saveRoom(inst('inst-a'), room)).toBe(true);
    expect(await store.saveRoom(inst('inst-a'), { ...room, capacity: 18 })).toBe(true);
    expect(await store.saveRoom(inst('inst-a'), { ...room, institutionId: 'inst-b' })).toBe(false);
    expect((await store.listRooms(inst('inst-a'))).find((r) => r.id === 'room-2')).toEqual({ ...room, capacity: 18 });
    expect((await store.listRooms(inst('inst-b'))).map((r) => r.id)).toEqual(['room-1']);
  });

  it('registers and rotates edges of its own institution, never taking over another', async () => {
    const { store } = get();
    expect(await store.registerEdge(inst('inst-a'), { id: 'edge-a2', institutionId: 'inst-a', passwordHash: 'h1' })).toBe('created');
    expect(await store.registerEdge(inst('inst-a'), { id: 'edge-a2', institutionId: 'inst-a', passwordHash: 'h2' })).toBe('updated');
    expect(await store.getEdge('edge-a2')).toEqual({ id: 'edge-a2', institutionId: 'inst-a', passwordHash: 'h2' });
    expect(await store.registerEdge(inst('inst-a'), { id: 'edge-b', institutionId: 'inst-a', passwordHash: 'evil' })).toBe('taken');
    expect(await store.registerEdge(inst('inst-a'), { id: 'edge-x', institutionId: 'inst-b', passwordHash: 'evil' })).toBe('taken');
    expect(await store.getEdge('edge-b')).toEqual({ id: 'edge-b', institutionId: 'inst-b', passwordHash: 'hash-b' });
    expect(await store.getEdge('edge-x')).toBeNull();
  });

  it('maps a camera to a room of its own institution, scoped', async () => {
    const { store } = get();
    await store.saveRoom(inst('inst-a'), { id: 'room-2', institutionId: 'inst-a', name: '托大班', type: 'room', classType: null, capacity: null, polygon: null });
    const patch = { institutionId: 'inst-a', id: 'cam-1', name: '托大班 东', roomId: 'room-2', expectedFps: 8 };
    expect(await store.updateCamera(inst('inst-a'), patch)).toMatchObject({ id: 'cam-1', institutionId: 'inst-a', edgeId: 'edge-a', name: '托大班 东', roomId: 'room-2', expectedFps: 8, openIncidents: 0 });
    expect(await store.updateCamera(inst('inst-a'), { ...patch, roomId: null })).toMatchObject({ roomId: null });
    expect(await store.updateCamera(inst('inst-a'), { ...patch, id: 'cam-none' })).toBeNull();
    expect(await store.updateCamera(inst('inst-a'), { ...patch, institutionId: 'inst-b', roomId: 'room-1' })).toBeNull();
    await expect(store.updateCamera(inst('inst-b'), { ...patch, institutionId: 'inst-b' })).rejects.toSatisfy(
      (e) => e instanceof StoreError && e.code === 'unknown_room',
    );
    expect((await store.listCameras(inst('inst-b')))[0]).toMatchObject({ name: '乳儿班 1', roomId: 'room-1', expectedFps: 5 });
  });

  it('keeps the mapping and the configured fps when the edge reports again', async () => {
    const { store } = get();
    await store.updateCamera(inst('inst-a'), { institutionId: 'inst-a', id: 'cam-1', name: '东', roomId: 'room-1', expectedFps: 8 });
    await store.recordEdgeStatus(edgeStatus('2026-11-20T03:00:00.000Z', [camStatus('cam-1', { expectedFps: 2, analysedFps: 2 })]));
    expect((await store.listCameras(inst('inst-a')))[0]).toMatchObject({ name: '东', roomId: 'room-1', expectedFps: 8, analysedFps: 2 });
    const samples = await store.cameraSamples(inst('inst-a'), '2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z');
    expect(samples.map((s) => [s.expectedFps, s.analysedFps])).toEqual([[8, 2]]);
    // Cameras nobody configured follow their edge.
    await store.recordEdgeStatus(edgeStatus('2026-11-20T03:00:00.000Z', [camStatus('cam-1', { expectedFps: 2, analysedFps: 2 })], { institutionId: 'inst-b', edgeId: 'edge-b' }));
    expect((await store.listCameras(inst('inst-b')))[0]).toMatchObject({ expectedFps: 2 });
  });
}
