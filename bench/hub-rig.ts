/**
 * A real hub for the hub benchmarks: `buildHub` with its embedded aedes broker on loopback,
 * a SQLite file store in a temporary directory or PostgreSQL in a throwaway schema, one
 * institution, one edge and one supervisor. Everything it made is undone by `close()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SCHEMA_VERSION, type IncidentEvent } from '../protocol/index.ts';
import { buildHub, type Hub } from '../hub/app.ts';
import { hashPassword } from '../hub/auth/passwords.ts';
import { createStore } from '../hub/store/index.ts';
import type { Store } from '../hub/store/types.ts';

export type StoreKind = 'sqlite' | 'postgres';

export interface HubRig {
  hub: Hub;
  /** `http://127.0.0.1:port` (Socket.IO shares it). */
  url: string;
  institutionId: string;
  edgeId: string;
  edgePassword: string;
  /** A supervisor's session token for Socket.IO. */
  token: string;
  /** Incidents the hub has ingested and stored (`anyu_ingest_messages_total{kind=incident,outcome=applied}`). */
  appliedIncidents(): Promise<number>;
  /** Incidents in the store, counted by the store itself. */
  storedIncidents(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A migrated PostgreSQL store in a throwaway schema; `drop()` closes it and removes the
 * schema with everything in it.
 */
export async function throwawayPostgresStore(databaseUrl: string): Promise<{ store: Store; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const schema = `anyu_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const store = await createStore({ url: databaseUrl, schema });
  return {
    store,
    async drop() {
      await store.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

export async function startHubRig(opts: { store: StoreKind; databaseUrl?: string }): Promise<HubRig> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'anyu-bench-hub-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    let store;
    if (opts.store === 'postgres') {
      if (!opts.databaseUrl) throw new Error('postgres rig needs a database URL');
      const pgStore = await throwawayPostgresStore(opts.databaseUrl);
      cleanups.push(() => pgStore.drop());
      store = pgStore.store;
    }
    const hub = await buildHub({
      dataDir,
      logger: false,
      mqtt: { embedded: { port: 0, host: '127.0.0.1' } },
      http: { port: 0, host: '127.0.0.1' },
      mqttClientId: `bench-hub-${randomBytes(3).toString('hex')}`,
      ...(store ? { store } : {}),
    });
    cleanups.push(() => hub.close());
    const url = await hub.listen();
    const institutionId = 'bench-inst';
    const edgeId = 'bench-edge';
    const edgePassword = randomBytes(12).toString('hex');
    const userPassword = randomBytes(12).toString('hex');
    await hub.store.upsertInstitution({ id: institutionId, name: 'Bench', level: 'level2', townId: 'bench-town', districtId: 'bench-district', registered: true });
    await hub.store.upsertEdge({ id: edgeId, institutionId, passwordHash: await hashPassword(edgePassword) });
    await hub.store.createUser({ username: 'bench-supervisor', displayName: 'Bench', role: 'supervisor', institutionId, regionId: null, passwordHash: await hashPassword(userPassword) });
    const login = await hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench-supervisor', password: userPassword } });
    const token = (login.json() as { token: string }).token;
    return {
      hub,
      url,
      institutionId,
      edgeId,
      edgePassword,
      token,
      async appliedIncidents() {
        const m = await hub.app.metrics.ingestMessages.get();
        return m.values.filter((v) => v.labels.kind === 'incident' && v.labels.outcome === 'applied').reduce((s, v) => s + v.value, 0);
      },
      async storedIncidents() {
        return (await hub.store.listIncidents({ kind: 'all' }, { limit: 1, offset: 0 })).total;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A fresh `open` incident as an edge would publish it. */
export function openIncident(rig: Pick<HubRig, 'institutionId' | 'edgeId'>, i: number): IncidentEvent {
  const now = new Date().toISOString();
  return {
    schema: SCHEMA_VERSION,
    type: 'open',
    id: `bench-${i}-${randomBytes(3).toString('hex')}`,
    seq: 0,
    kind: i % 2 === 0 ? 'fall' : 'crowding',
    severity: 'warning',
    institutionId: rig.institutionId,
    edgeId: rig.edgeId,
    cameraId: 'cam-1',
    zoneId: 'room-1',
    startedAt: now,
    at: now,
    evidence: { counts: { adults: 1, children: 6 }, confidence: 0.8 },
  };
}

/** Polls `probe` every `everyMs` until it returns true or `timeoutMs` passes; resolves the time it became true (or null). */
export async function waitUntil(probe: () => Promise<boolean>, everyMs: number, timeoutMs: number): Promise<number | null> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await probe()) return performance.now();
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return null;
}

/**
 * Server-side aedes subscription on the rig's embedded broker (aedes' own `subscribe`,
 * which no edge credential can do): calls `fn` for each message the broker passes on.
 * Returns its removal.
 */
export function observeBroker(rig: Pick<HubRig, 'hub'>, filter: string, fn: (topic: string, payload: Buffer) => void): () => Promise<void> {
  const aedes = rig.hub.broker!.aedes;
  const deliver = (packet: { topic: string; payload: Buffer | string }, cb: () => void) => {
    fn(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
    cb();
  };
  aedes.subscribe(filter, deliver, () => undefined);
  return () => new Promise<void>((resolve) => aedes.unsubscribe(filter, deliver, () => resolve()));
}
