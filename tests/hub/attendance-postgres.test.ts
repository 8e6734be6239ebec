/** The attendance scenario (stand-in edge, embedded broker) on the PostgreSQL store (`DATABASE_URL`), in a fresh schema. */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, describe } from 'vitest';
import { createStore } from '../../hub/store/index.ts';
import { withPgClient } from './pg-admin.ts';
import { defineAttendanceScenario } from './attendance-scenario.ts';

const url = process.env.DATABASE_URL;
if (!url) console.warn('attendance on PostgreSQL skipped: DATABASE_URL is not set');

const admin = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withPgClient(url ?? '', fn);

describe.skipIf(!url)('attendance through the hub on PostgreSQL (DATABASE_URL, stand-in edge)', () => {
  const schema = `anyu_att_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  });
  defineAttendanceScenario({
    kind: 'embedded',
    makeStore: async () => {
      await admin((c) => c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`));
      return createStore({ url, schema });
    },
  });
});
