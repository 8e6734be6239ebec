/** Contract: institutions, rooms, edges, cameras, edge status and camera samples. */
import { expect, it } from 'vitest';
import { StoreError } from '../../hub/store/errors.ts';
import type { GetStore } from './store-contract.ts';
import { ALL, INST_A, camStatus, edgeStatus, event, inst, region } from './store-fixtures.ts';

export function orgContract(get: GetStore): void {
  it('migrates idempotently', async () => {
    const { store } = get();
    await store.migrate();
    await store.migrate();
    expect(['sqlite', 'postgres']).toContain(store.kind);
    expect(await store.listInstitutions(ALL)).toHaveLength(3);
  });

  it('scopes institutions by institution, town and district', async () => {
    const { store } = get();
    const ids = async (s: Parameters<typeof store.listInstitutions>[0]) =>
      (await store.listInstitutions(s)).map((i) => i.id);
    expect(await ids(ALL)).toEqual(['inst-a', 'inst-b', 'inst-c']);
    expect(await ids(inst('inst-b'))).toEqual(['inst-b']);
    expect(await ids(region('town-1'))).toEqual(['inst-a']);
    expect(await ids(region('dist-1'))).toEqual(['inst-a', 'inst-b']);
    expect(await ids(region('dist-2'))).toEqual(['inst-c']);
    expect(await ids(region('nowhere'))).toEqual([]);
    expect(await ids(inst('nope'))).toEqual([]);
    await store.upsertInstitution({ ...INST_A, level: 'city_demo', registered: false });
    expect(await store.listInstitutions(inst('inst-a'))).toEqual([{ ...INST_A, level: 'city_demo', registered: false }]);
  });

  it('stores rooms with polygons, scoped', async () => {
    const { store } = get();
    const rooms = await store.listRooms(inst('inst-a'));
    expect(rooms).toEqual([
      {
        id: 'room-1',
        institutionId: 'inst-a',
        name: '乳儿班',
        type: 'room',
        classType: 'infant',
        capacity: 10,
        polygon: [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
      },
    ]);
    await store.upsertRoom({ ...rooms[0]!, id: 'nap', type: 'nap', classType: null, capacity: null, polygon: null });
    expect((await store.listRooms(inst('inst-a'))).map((r) => [r.id, r.polygon])).toEqual([
      ['nap', null],
      ['room-1', rooms[0]!.polygon],
    ]);
    expect((await store.listRooms(region('dist-1'))).map((r) => r.institutionId).sort()).toEqual([
      'inst-a',
      'inst-a',
      'inst-b',
    ]);
    expect(await store.listRooms(region('town-3'))).toHaveLength(1);
    expect(await store.listRooms(region('elsewhere'))).toEqual([]);
  });

  it('keeps edges for broker authentication', async () => {
    const { store } = get();
    expect(await store.getEdge('edge-a')).toEqual({ id: 'edge-a', institutionId: 'inst-a', passwordHash: 'hash-a' });
    await store.upsertEdge({ id: 'edge-a', institutionId: 'inst-a', passwordHash: 'rotated' });
    expect((await store.getEdge('edge-a'))?.passwordHash).toBe('rotated');
    expect(await store.getEdge('edge-z')).toBeNull();
  });

  it('lists cameras scoped, with status defaults, and rejects unknown rooms and institutions', async () => {
    const { store } = get();
    const cams = await store.listCameras(inst('inst-a'));
    expect(cams).toEqual([
      {
        id: 'cam-1',
        institutionId: 'inst-a',
        edgeId: 'edge-a',
        name: '乳儿班 1',
        roomId: 'room-1',
        state: 'offline',
        expectedFps: 5,
        deliveredFps: 0,
        analysedFps: 0,
        reconnectsLastHour: 0,
        stallsLastHour: 0,
        lastFrameAt: null,
        reason: null,
        openIncidents: 0,
      },
    ]);
    expect((await store.listCameras(region('dist-1'))).map((c) => c.institutionId)).toEqual(['inst-a', 'inst-b']);
    expect(await store.listCameras(region('nowhere'))).toEqual([]);
    const cam = { id: 'cam-2', institutionId: 'inst-a', edgeId: 'edge-a', name: 'x', expectedFps: 5 };
    await expect(store.upsertCamera({ ...cam, roomId: 'no-room' })).rejects.toMatchObject({ code: 'unknown_room' });
    // A room of another institution is not a room of this one.
    await store.upsertRoom({ id: 'b-only', institutionId: 'inst-b', name: 'b', type: 'room', classType: null, capacity: null, polygon: null });
    await expect(store.upsertCamera({ ...cam, roomId: 'b-only' })).rejects.toBeInstanceOf(StoreError);
    await expect(store.upsertCamera({ ...cam, institutionId: 'ghost', roomId: null })).rejects.toMatchObject({
      code: 'unknown_institution',
    });
  });

  it('counts active incidents per camera', async () => {
    const { store } = get();
    await store.applyIncidentEvent(event('open', 0, { id: 'i1' }));
    await store.applyIncidentEvent(event('open', 0, { id: 'i2' }));
    await store.applyIncidentEvent(event('resolved', 1, { id: 'i2' }));
    await store.applyIncidentEvent(event('open', 0, { id: 'i3', institutionId: 'inst-b', edgeId: 'edge-b' }));
    const byInst = Object.fromEntries((await store.listCameras(ALL)).map((c) => [c.institutionId, c.openIncidents]));
    expect(byInst).toEqual({ 'inst-a': 1, 'inst-b': 1, 'inst-c': 0 });
  });

  it('records edge status: latest state, new cameras unmapped, one sample per camera', async () => {
    const { store } = get();
    await store.recordEdgeStatus(
      edgeStatus('2026-11-20T02:00:00.000Z', [
        camStatus('cam-1', { name: 'renamed by edge', analysedFps: 4 }),
        camStatus('cam-9', { name: '新摄像头', state: 'starting', analysedFps: 0, reason: 'connecting' }),
      ]),
    );
    await store.recordEdgeStatus(
      edgeStatus('2026-11-20T10:00:10.000+08:00', [camStatus('cam-1', { reconnectsLastHour: 2, stallsLastHour: 1 })]),
    );
    // A replayed older status (e.g. a retained message) adds history but does not roll the latest state back.
    await store.recordEdgeStatus(edgeStatus('2026-11-20T01:00:00.000Z', [camStatus('cam-1', { state: 'offline' })]));
    const cams = await store.listCameras(inst('inst-a'));
    expect(cams.map((c) => [c.id, c.name, c.roomId, c.state])).toEqual([
      ['cam-1', '乳儿班 1', 'room-1', 'online'],
      ['cam-9', '新摄像头', null, 'starting'],
    ]);
    expect(cams[0]).toMatchObject({ analysedFps: 4.5, deliveredFps: 5, reconnectsLastHour: 2, stallsLastHour: 1 });
    expect(cams[1]?.reason).toBe('connecting');
    const samples = await store.cameraSamples(inst('inst-a'), '2026-11-19T00:00:00Z', '2026-11-21T00:00:00Z');
    // The +08:00 status is 02:00:10Z: times are normalised to UTC and ordered.
    expect(samples.map((s) => [s.cameraId, s.at, s.state, s.analysedFps])).toEqual([
      ['cam-1', '2026-11-20T01:00:00.000Z', 'offline', 4.5],
      ['cam-1', '2026-11-20T02:00:00.000Z', 'online', 4],
      ['cam-1', '2026-11-20T02:00:10.000Z', 'online', 4.5],
      ['cam-9', '2026-11-20T02:00:00.000Z', 'starting', 0],
    ]);
    expect(samples[2]).toEqual({
      institutionId: 'inst-a',
      edgeId: 'edge-a',
      cameraId: 'cam-1',
      at: '2026-11-20T02:00:10.000Z',
      lastAt: '2026-11-20T02:00:10.000Z',
      state: 'online',
      expectedFps: 5,
      analysedFps: 4.5,
    });
    await expect(store.recordEdgeStatus(edgeStatus('2026-11-20T02:00:00Z', [], { institutionId: 'ghost' }))).rejects.toMatchObject({
      code: 'unknown_institution',
    });
  });

  it('stores a run of statuses that say the same thing as one sample, keeping its lowest fps', async () => {
    const { store } = get();
    const at = (s: number) => new Date(Date.parse('2026-11-20T02:00:00Z') + s * 1000).toISOString();
    const fps = [4.5, 4.3, 4.5, 4.4];
    for (const [i, analysedFps] of fps.entries()) {
      await store.recordEdgeStatus(edgeStatus(at(i * 10), [camStatus('cam-1', { analysedFps })]));
    }
    await store.recordEdgeStatus(edgeStatus(at(40), [camStatus('cam-1', { analysedFps: 3 })]));
    await store.recordEdgeStatus(edgeStatus(at(50), [camStatus('cam-1', { analysedFps: 3, state: 'starting' })]));
    await store.recordEdgeStatus(edgeStatus(at(60), [camStatus('cam-1', { analysedFps: 3, state: 'starting' })]));
    // Two minutes of silence: the next status starts a new run, so the gap stays visible.
    await store.recordEdgeStatus(edgeStatus(at(180), [camStatus('cam-1', { analysedFps: 3, state: 'starting' })]));
    const samples = await store.cameraSamples(inst('inst-a'), at(0), at(600));
    expect(samples.map((s) => [s.at, s.lastAt, s.state, s.analysedFps])).toEqual([
      [at(0), at(30), 'online', 4.3],
      [at(40), at(40), 'online', 3],
      [at(50), at(60), 'starting', 3],
      [at(180), at(180), 'starting', 3],
    ]);
    // A run that started before `from` is the state the period starts in.
    expect((await store.cameraSamples(inst('inst-a'), at(55), at(600))).map((s) => [s.at, s.lastAt])).toEqual([
      [at(50), at(60)],
      [at(180), at(180)],
    ]);
    expect(await store.purgeCameraSamples(at(45))).toBe(2);
    expect(await store.cameraSamples(inst('inst-a'), at(0), at(600))).toHaveLength(2);
  });

  it('takes every camera of an edge offline on its Last Will', async () => {
    const { store } = get();
    await store.upsertCamera({ id: 'cam-2', institutionId: 'inst-a', edgeId: 'edge-a', name: 'c2', roomId: null, expectedFps: 5 });
    await store.upsertCamera({ id: 'cam-3', institutionId: 'inst-a', edgeId: 'edge-a2', name: 'c3', roomId: null, expectedFps: 5 });
    const online = [camStatus('cam-1'), camStatus('cam-2')];
    await store.recordEdgeStatus(edgeStatus('2026-11-20T02:00:00Z', online));
    await store.recordEdgeStatus(edgeStatus('2026-11-20T02:00:00Z', [camStatus('cam-3')], { edgeId: 'edge-a2' }));
    await store.recordEdgeStatus(edgeStatus('2026-11-20T03:00:00Z', [], { state: 'offline' }));
    const cams = await store.listCameras(inst('inst-a'));
    expect(cams.map((c) => [c.id, c.state, c.analysedFps])).toEqual([
      ['cam-1', 'offline', 0],
      ['cam-2', 'offline', 0],
      ['cam-3', 'online', 4.5],
    ]);
    const samples = await store.cameraSamples(inst('inst-a'), '2026-11-20T02:30:00Z', '2026-11-20T04:00:00Z');
    expect(samples.map((s) => [s.cameraId, s.at, s.state])).toEqual([
      // The last sample before `from` opens the period for each camera.
      ['cam-1', '2026-11-20T02:00:00.000Z', 'online'],
      ['cam-1', '2026-11-20T03:00:00.000Z', 'offline'],
      ['cam-2', '2026-11-20T02:00:00.000Z', 'online'],
      ['cam-2', '2026-11-20T03:00:00.000Z', 'offline'],
      ['cam-3', '2026-11-20T02:00:00.000Z', 'online'],
    ]);
  });

  it('scopes camera samples, bounds them by [from, to) and purges old ones', async () => {
    const { store } = get();
    await store.recordEdgeStatus(edgeStatus('2026-11-20T02:00:00Z', [camStatus('cam-1')]));
    await store.recordEdgeStatus(edgeStatus('2026-11-20T02:00:00Z', [camStatus('cam-1')], { institutionId: 'inst-b', edgeId: 'edge-b' }));
    await store.recordEdgeStatus(edgeStatus('2026-11-20T05:00:00Z', [camStatus('cam-1')]));
    expect((await store.cameraSamples(inst('inst-b'), '2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z')).map((s) => s.institutionId)).toEqual([
      'inst-b',
    ]);
    expect(await store.cameraSamples(region('dist-2'), '2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z')).toEqual([]);
    expect((await store.cameraSamples(region('town-1'), '2026-11-20T00:00:00Z', '2026-11-20T05:00:00Z')).map((s) => s.at)).toEqual([
      '2026-11-20T02:00:00.000Z',
    ]);
    expect(await store.cameraSamples(ALL, '2026-11-19T00:00:00Z', '2026-11-20T00:00:00Z')).toEqual([]);
    expect(await store.purgeCameraSamples('2026-11-20T04:00:00Z')).toBe(2);
    expect((await store.cameraSamples(ALL, '2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z')).map((s) => s.at)).toEqual([
      '2026-11-20T05:00:00.000Z',
    ]);
  });
}
