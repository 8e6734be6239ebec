/**
 * A database at schema version 3 (before retention by the hub's clock, migration 4, and
 * time zones, regions and incident rooms, migration 5) with rows in it, and what upgrading
 * it must make of them. Used by store-sqlite.test.ts and store-postgres.test.ts.
 */
import { expect } from 'vitest';
import type { Migration } from '../../hub/store/migrations/types.ts';
import type { Store } from '../../hub/store/types.ts';

/** SQL that builds version 3 from `migrations` and fills it; `t` writes a boolean for the backend. */
export function version3Database(migrations: readonly Migration[], t: (b: boolean) => string): string {
  const upTo3 = migrations.filter((m) => m.version <= 3);
  expect(upTo3.map((m) => m.version)).toEqual([1, 2, 3]);
  const incident = (id: string, zone: string, updated: string, extra: { closed?: string; hold?: boolean } = {}) =>
    `INSERT INTO incidents (id, institution_id, edge_id, camera_id, zone_id, kind, severity, message, active, status, seq,
       started_at, updated_at, resolved_at, closed_at, legal_hold, evidence)
     VALUES ('${id}', 'inst-u', 'edge-u', 'cam-1', '${zone}', 'crowding', 'warning', 'old', ${t(false)},
       '${extra.closed ? 'closed' : 'new'}', 1, '${updated}', '${updated}', '${updated}', ${extra.closed ? `'${extra.closed}'` : 'NULL'},
       ${t(extra.hold ?? false)}, '{"counts":{"children":9}}');`;
  return [
    ...upTo3.map((m) => m.sql),
    'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL);',
    ...upTo3.map((m) => `INSERT INTO schema_migrations VALUES (${m.version}, '${m.name}', '2025-01-01T00:00:00.000Z');`),
    `INSERT INTO institutions VALUES ('inst-u', '升级园', 'level2', 'town-u', 'district-u', ${t(true)});`,
    `INSERT INTO rooms (institution_id, id, name, type) VALUES ('inst-u', 'room-1', '托小班', 'room'), ('inst-u', 'room-2', '午睡室', 'nap');`,
    `INSERT INTO cameras (institution_id, id, edge_id, name, room_id, expected_fps) VALUES ('inst-u', 'cam-1', 'edge-u', '西', 'room-2', 5);`,
    // Its zone is a room of the institution: filed under that room.
    incident('inc-room', 'room-1', '2025-03-01T08:00:00.000Z'),
    // An edge zone that is no room: filed under its camera's room; closed later by a person.
    incident('inc-cam', 'demo-zone', '2025-03-02T08:00:00.000Z', { closed: '2025-03-05T08:00:00.000Z' }),
    incident('inc-held', 'room-1', '2025-03-01T08:00:00.000Z', { hold: true }),
    // An edge clock in 2099 before the hub kept its own: its activity counts from the upgrade.
    incident('inc-2099', 'room-1', '2099-01-01T00:00:00.000Z'),
  ].join('\n');
}

/** What the upgraded store must show: rooms filed, defaults set, retention from the right times. */
export async function expectUpgradedFromVersion3(store: Store, versions: readonly number[]): Promise<void> {
  expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7]);
  const all = { kind: 'all' } as const;
  const [inst] = await store.listInstitutions(all);
  expect(inst).toMatchObject({ id: 'inst-u', timeZone: 'Asia/Shanghai', demo: false });
  const rooms = new Map((await store.listIncidents(all, { limit: 50, offset: 0 })).items.map((i) => [i.id, i.roomId]));
  expect(Object.fromEntries(rooms)).toEqual({ 'inc-room': 'room-1', 'inc-cam': 'room-2', 'inc-held': 'room-1', 'inc-2099': 'room-1' });

  // Retention counts from the latest stored time (the close, for inc-cam), never past the upgrade.
  expect((await store.purgeIncidents('2025-03-03T00:00:00.000Z')).map((p) => p.id)).toEqual(['inc-room']);
  expect((await store.purgeIncidents('2025-03-06T00:00:00.000Z')).map((p) => p.id)).toEqual(['inc-cam']);
  const left = (await store.listIncidents(all, { limit: 50, offset: 0 })).items.map((i) => i.id).sort();
  expect(left).toEqual(['inc-2099', 'inc-held']);
  expect((await store.purgeIncidents(new Date(Date.now() + 60_000).toISOString())).map((p) => p.id)).toEqual(['inc-2099']);

  // Both features write to the upgraded tables.
  const alarm = await store.raiseAlarm({ kind: 'institution', institutionId: 'inst-u' }, {
    id: 'alarm-u', institutionId: 'inst-u', roomId: 'room-2', by: 'sup@inst-u', at: new Date().toISOString(), note: '',
  });
  expect(alarm).toMatchObject({ kind: 'alarm', roomId: 'room-2', edgeId: null, cameraId: null });
  expect(await store.purgeIncidents('2025-12-31T00:00:00.000Z')).toEqual([]);
}
