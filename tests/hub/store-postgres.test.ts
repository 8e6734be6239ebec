/**
 * The store contract against the machine's PostgreSQL (`DATABASE_URL`). Every store gets
 * its own random schema, dropped afterwards, so parallel runs never collide.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../hub/store/index.ts';
import { withPgClient } from './pg-admin.ts';
import { postgresMigrations } from '../../hub/store/migrations/postgres.ts';
import { describeStoreContract } from './store-contract.ts';
import { expectUpgradedFromVersion3, version3Database } from './store-upgrade.ts';

const url = process.env.DATABASE_URL;
if (!url) console.warn('store-postgres: DATABASE_URL is not set; skipping the PostgreSQL store contract');

const schemas: string[] = [];

const withAdmin = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withPgClient(url ?? '', fn);

async function freshSchema(): Promise<string> {
  const schema = `anyu_t_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE SCHEMA ${schema}`));
  schemas.push(schema);
  return schema;
}

describe.skipIf(!url)('postgres store', () => {
  afterAll(async () => {
    await withAdmin(async (c) => {
      for (const s of schemas.splice(0)) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    });
  });

  describeStoreContract('postgres', async () => {
    const schema = await freshSchema();
    const store = await createStore({ url, schema });
    const raw = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await raw.connect();
    return {
      store,
      rawSql: async (sql) => {
        await raw.query(sql);
      },
      dispose: () => raw.end(),
    };
  });

  it('migrates once even when two hubs start at the same time', async () => {
    const schema = await freshSchema();
    const [a, b] = await Promise.all([createStore({ url, schema }), createStore({ url, schema })]);
    expect(a.kind).toBe('postgres');
    await Promise.all([a.close(), b.close()]);
    const rows = await withAdmin(
      async (c) => (await c.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows,
    );
    expect(rows).toEqual(postgresMigrations.map((m) => ({ version: m.version })));
  });

  it('upgrades a version-3 database with incidents through migrations 4 (hub clock) and 5 (zones, rooms)', async () => {
    const schema = await freshSchema();
    await withAdmin(async (c) => {
      await c.query(`SET search_path = ${schema}`);
      await c.query(version3Database(postgresMigrations, (b) => (b ? 'TRUE' : 'FALSE')));
    });
    const store = await createStore({ url, schema });
    const rows = await withAdmin(async (c) => (await c.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows);
    await expectUpgradedFromVersion3(store, rows.map((r) => Number(r.version)));
    await store.close();
  });

  it('refuses a database whose recorded migration has another name (a build with other numbering)', async () => {
    const schema = await freshSchema();
    await withAdmin(async (c) => {
      await c.query(`SET search_path = ${schema}`);
      await c.query(version3Database(postgresMigrations, (b) => (b ? 'TRUE' : 'FALSE')));
      await c.query(`INSERT INTO schema_migrations VALUES (4, 'time zones, regions, demo data, incident rooms, alarms', '2026-12-01T00:00:00.000Z')`);
    });
    await expect(createStore({ url, schema })).rejects.toThrow(/records migration 4 as 'time zones, regions, demo data, incident rooms, alarms'/);
  });

  it('rejects TRUNCATE of the audit log', async () => {
    const schema = await freshSchema();
    const store = await createStore({ url, schema });
    await store.close();
    await expect(withAdmin((c) => c.query(`TRUNCATE ${schema}.audit`))).rejects.toThrow(/append-only/);
  });

  it('rejects an invalid schema name', async () => {
    await expect(createStore({ url, schema: 'x; DROP TABLE y' })).rejects.toThrow(/schema name/);
  });
});
