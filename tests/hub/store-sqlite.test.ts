import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../hub/store/index.ts';
import { sqliteMigrations } from '../../hub/store/migrations/sqlite.ts';
import { createSqliteStore } from '../../hub/store/sqlite.ts';
import { describeStoreContract } from './store-contract.ts';
import { expectUpgradedFromVersion3, version3Database } from './store-upgrade.ts';

const dir = mkdtempSync(join(tmpdir(), 'anyu-store-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract('sqlite :memory:', async () => {
  const db = new Database(':memory:');
  const store = createSqliteStore(db);
  await store.migrate();
  return {
    store,
    rawSql: async (sql) => {
      db.exec(sql);
    },
  };
});

describeStoreContract('sqlite file', async () => {
  const path = join(dir, `store-${files++}.db`);
  const store = await createStore({ sqlitePath: path });
  const raw = new Database(path);
  return {
    store,
    rawSql: async (sql) => {
      raw.exec(sql);
    },
    dispose: async () => {
      raw.close();
    },
  };
});

describe('sqlite specifics', () => {
  it('keeps data across reopen and records each migration once', async () => {
    const path = join(dir, 'reopen.db');
    const a = await createStore({ sqlitePath: path });
    await a.upsertInstitution({ id: 'i', name: 'n', level: 'level1', townId: 't', districtId: 'd', registered: true });
    await a.close();
    const b = await createStore({ sqlitePath: path });
    expect(await b.listInstitutions({ kind: 'all' })).toHaveLength(1);
    await b.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      sqliteMigrations.map((m) => ({ version: m.version })),
    );
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('upgrades a version-1 database in place, keeping its history', async () => {
    const path = join(dir, 'v1.db');
    const v1 = new Database(path);
    v1.exec(sqliteMigrations[0]!.sql);
    v1.exec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL);
      INSERT INTO schema_migrations VALUES (1, 'initial', '2026-11-01T00:00:00.000Z');
      INSERT INTO institutions VALUES ('i', 'n', 'level1', 't', 'd', 1);
      INSERT INTO camera_samples (institution_id, edge_id, camera_id, at, state, expected_fps, analysed_fps)
        VALUES ('i', 'e', 'c', '2026-11-01T00:00:00.000Z', 'online', 5, 4);`);
    v1.close();
    const store = await createStore({ sqlitePath: path });
    expect(await store.cameraSamples({ kind: 'all' }, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')).toEqual([
      {
        institutionId: 'i',
        edgeId: 'e',
        cameraId: 'c',
        at: '2026-11-01T00:00:00.000Z',
        lastAt: '2026-11-01T00:00:00.000Z',
        state: 'online',
        expectedFps: 5,
        analysedFps: 4,
      },
    ]);
    await store.close();
  });

  it('upgrades a version-3 database with incidents through migrations 4 (hub clock) and 5 (zones, rooms)', async () => {
    const path = join(dir, 'v3.db');
    const v3 = new Database(path);
    v3.exec(version3Database(sqliteMigrations, (b) => (b ? '1' : '0')));
    v3.close();
    const store = await createStore({ sqlitePath: path });
    const raw = new Database(path, { readonly: true });
    const versions = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
    raw.close();
    await expectUpgradedFromVersion3(store, versions.map((r) => r.version));
    await store.close();
  });

  it('refuses a database whose recorded migration has another name (a build with other numbering), changing nothing', async () => {
    const path = join(dir, 'other-build.db');
    const db = new Database(path);
    db.exec(version3Database(sqliteMigrations, (b) => (b ? '1' : '0')));
    db.exec(`INSERT INTO schema_migrations VALUES (4, 'time zones, regions, demo data, incident rooms, alarms', '2026-12-01T00:00:00.000Z')`);
    db.close();
    await expect(createStore({ sqlitePath: path })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/records migration 4 as 'time zones, regions, demo data, incident rooms, alarms', but this hub's migration 4 is 'retention by hub time'/),
    });
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: 4 });
    expect((raw.prepare('PRAGMA table_info(incidents)').all() as { name: string }[]).map((c) => c.name)).not.toContain('last_activity_at');
    raw.close();
  });

  it('explains bad database URLs', async () => {
    await expect(createStore({ url: 'mysql://x@y/z' })).rejects.toThrow(/unsupported database URL scheme mysql:/);
    await expect(createStore({ url: 'not a url' })).rejects.toThrow(/not a URL/);
    await expect(createStore({ url: 'sqlite:///tmp/x.db' })).rejects.toThrow(/file path/);
    await expect(createStore({})).rejects.toThrow(/no database/);
    await expect(createStore({ url: 'mysql://user:secret@y/z' })).rejects.not.toThrow(/secret/);
    // Nothing listens on port 1 (and the password must not appear in the message).
    await expect(createStore({ url: 'postgres://user:secret@127.0.0.1:1/x' })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/^cannot open the store \(PostgreSQL at postgres:\/\/\*\*\*@127\.0\.0\.1:1\/x\)/),
    });
    await expect(createStore({ sqlitePath: join(dir, 'no-such-dir', 'x.db') })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/^cannot open the store \(SQLite at .*no-such-dir/),
    });
  });
});
