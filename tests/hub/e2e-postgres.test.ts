/**
 * The hub end to end on the PostgreSQL store (`DATABASE_URL`), embedded broker: the same
 * scenario as with SQLite. Each run uses a fresh random schema, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, describe } from 'vitest';
import { createStore } from '../../hub/store/index.ts';
import { withPgClient } from './pg-admin.ts';
import { defineE2E } from './e2e-scenario.ts';

const url = process.env.DATABASE_URL;
if (!url) console.warn('hub e2e on PostgreSQL skipped: DATABASE_URL is not set');

const admin = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withPgClient(url ?? '', fn);

describe.skipIf(!url)('hub end to end on PostgreSQL (DATABASE_URL)', () => {
  const schema = `anyu_hub_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  });
  defineE2E({
    kind: 'embedded',
    makeStore: async () => {
      await admin((c) => c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`));
      return createStore({ url, schema });
    },
  });
});
