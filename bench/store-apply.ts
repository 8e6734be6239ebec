/**
 * How many incident events per second the store applies:
 * `node bin/run-ts.mjs bench/store-apply.ts [--events 20000] [--concurrency 1,8]`.
 * Runs SQLite on a temporary file (WAL) and in memory and, when DATABASE_URL is set,
 * PostgreSQL in a throwaway schema. Each incident gets open, three updates and resolved;
 * every tenth event is redelivered. With concurrency C, C streams of distinct incidents
 * run at once, each in order (as several edges publishing at once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SCHEMA_VERSION, type IncidentEvent } from '../protocol/index.ts';
import { createStore, type CreateStoreOptions } from '../hub/store/index.ts';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '1,8' } },
});
const total = Number(values.events);
if (!Number.isInteger(total) || total <= 0) throw new Error(`--events must be a positive integer, got ${values.events}`);
const concurrencies = values.concurrency.split(',').map(Number);
if (!concurrencies.every((c) => Number.isInteger(c) && c > 0)) {
  throw new Error(`--concurrency must list positive integers, got ${values.concurrency}`);
}

function* events(n: number): Generator<IncidentEvent> {
  const types = ['open', 'update', 'update', 'update', 'resolved'] as const;
  const t0 = Date.parse('2026-11-20T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const incident = Math.floor(i / types.length);
    const seq = i % types.length;
    yield {
      schema: SCHEMA_VERSION,
      type: types[seq]!,
      id: `bench-${incident}`,
      seq,
      kind: 'fall',
      severity: 'warning',
      institutionId: 'bench-inst',
      edgeId: 'bench-edge',
      cameraId: `cam-${incident % 8}`,
      zoneId: 'room-1',
      startedAt: new Date(t0 + incident * 1000).toISOString(),
      at: new Date(t0 + incident * 1000 + seq * 200).toISOString(),
      evidence: { confidence: 0.9, counts: { adults: 1, children: 5 } },
    } as IncidentEvent;
  }
}

/** `fresh` gives the options of an empty database and how to drop it afterwards. */
type Fresh = () => Promise<{ opts: CreateStoreOptions; drop: () => Promise<void> }>;

async function run(label: string, fresh: Fresh): Promise<void> {
  for (const concurrency of concurrencies) {
    const { opts, drop } = await fresh();
    const store = await createStore(opts);
    await store.upsertInstitution({ id: 'bench-inst', name: 'bench', level: 'level1', townId: 't', districtId: 'd', registered: true });
    const all = [...events(total)];
    const streams = Array.from({ length: concurrency }, (_, s) =>
      all.filter((ev) => Number(ev.id.slice('bench-'.length)) % concurrency === s),
    );
    const outcomes: Record<string, number> = {};
    let calls = 0;
    const apply = async (ev: IncidentEvent) => {
      const r = await store.applyIncidentEvent(ev);
      outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
      calls += 1;
    };
    const start = process.hrtime.bigint();
    await Promise.all(
      streams.map(async (stream) => {
        for (const [i, ev] of stream.entries()) {
          await apply(ev);
          if (i % 10 === 9) await apply(ev);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await store.close();
    await drop();
    console.log(
      `${label}, concurrency ${concurrency}: ${calls} calls in ${seconds.toFixed(2)} s = ${Math.round(calls / seconds)}/s ${JSON.stringify(outcomes)}`,
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), 'anyu-bench-'));
let files = 0;
const noop = async () => undefined;
try {
  await run('sqlite (file, WAL)', async () => ({ opts: { sqlitePath: join(dir, `bench-${files++}.db`) }, drop: noop }));
  await run('sqlite (:memory:)', async () => ({ opts: { sqlitePath: ':memory:' }, drop: noop }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const url = process.env.DATABASE_URL;
if (url) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const pgFresh =
    (extra: Partial<CreateStoreOptions>): Fresh =>
    async () => {
      const schema = `anyu_bench_${randomBytes(4).toString('hex')}`;
      await admin.query(`CREATE SCHEMA ${schema}`);
      return { opts: { url, schema, ...extra }, drop: async () => void (await admin.query(`DROP SCHEMA ${schema} CASCADE`)) };
    };
  try {
    await run('postgres', pgFresh({}));
    await run('postgres, synchronous_commit=off', pgFresh({ synchronousCommit: false }));
  } finally {
    await admin.end();
  }
} else {
  console.log('postgres: skipped (DATABASE_URL is not set)');
}
