/**
 * Test harness for the hub: a real hub (SQLite file store, embedded aedes broker on an
 * ephemeral port, or an external broker), tenants with edges and users, and clients
 * (mqtt.js edges, socket.io-client dashboards). Every id carries a random suffix so runs
 * against a shared broker never collide.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { io as ioClient, type Socket } from 'socket.io-client';
import {
  SCHEMA_VERSION,
  edgeClientId,
  type ClientToServerEvents,
  type IncidentEvent,
  type IncidentView,
  type Role,
  type ServerToClientEvents,
} from '../../protocol/index.ts';
import { buildHub, type BuildHubOptions, type Hub } from '../../hub/app.ts';
import { hashPassword } from '../../hub/auth/passwords.ts';
import { createStore } from '../../hub/store/index.ts';
import type { Store } from '../../hub/store/types.ts';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const rid = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface TestHub {
  hub: Hub;
  store: Store;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export type StoreFactory = (dataDir: string) => Promise<Store>;

export const sqliteStore: StoreFactory = (dataDir) => createStore({ sqlitePath: join(dataDir, 'anyu.db') });

export async function startTestHub(opts: Partial<BuildHubOptions> & { listen?: boolean; makeStore?: StoreFactory } = {}): Promise<TestHub> {
  const { listen = true, makeStore = sqliteStore, ...rest } = opts;
  const dataDir = mkdtempSync(join(tmpdir(), 'anyu-hub-test-'));
  const store = await makeStore(dataDir);
  const hub = await buildHub({
    store,
    dataDir,
    logger: false,
    mqtt: { embedded: { port: 0, host: '127.0.0.1' } },
    http: { port: 0, host: '127.0.0.1' },
    mqttClientId: rid('hub'),
    // The machine's Mosquitto keeps Debian's default queue (1,000 messages), which the
    // hub's start-up check rightly refuses; tests/security checks it on a Mosquitto set up
    // as hub/README says. Functional suites skip it.
    mqttQueueCheck: 0,
    ...rest,
  });
  const url = listen ? await hub.listen() : '';
  return {
    hub,
    store,
    url,
    dataDir,
    async close() {
      await hub.close();
      await store.close();
      // On a shared external broker, end the hub's persistent session (clean: false) so
      // it does not keep queueing messages for a client id that never returns.
      if (!hub.broker) {
        const purge = await mqtt.connectAsync(hub.mqttUrl, { clientId: hub.config.mqttClientId, clean: true, reconnectPeriod: 0 });
        await purge.endAsync();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Tenant {
  institutionId: string;
  townId: string;
  districtId: string;
  edgeId: string;
  edgePassword: string;
  cameraId: string;
  users: Record<Role, { username: string; password: string }>;
}

/** An institution with a room, camera, edge and one user of each role (regulator of its district). */
export async function createTenant(store: Store, label: string): Promise<Tenant> {
  const institutionId = rid(`inst-${label}`);
  const townId = rid(`town-${label}`);
  const districtId = rid(`district-${label}`);
  const edgeId = rid(`edge-${label}`);
  const cameraId = 'cam-1';
  const edgePassword = `edge-pw-${randomBytes(6).toString('hex')}`;
  await store.upsertInstitution({ id: institutionId, name: `Institution ${label}`, level: 'level2', townId, districtId, registered: true });
  await store.upsertRoom({ id: 'room-1', institutionId, name: 'Room 1', type: 'room', classType: 'toddler_small', capacity: 15, polygon: null });
  await store.upsertEdge({ id: edgeId, institutionId, passwordHash: await hashPassword(edgePassword) });
  await store.upsertCamera({ id: cameraId, institutionId, edgeId, name: 'Camera 1', roomId: 'room-1', expectedFps: 5 });
  const users = {} as Tenant['users'];
  // The guardian account is linked to no child here; tests link it to one they make.
  for (const role of ['supervisor', 'institution_admin', 'regulator', 'guardian'] as const) {
    const username = rid(`${role}-${label}`);
    const password = `pw-${randomBytes(6).toString('hex')}`;
    await store.createUser({
      username,
      displayName: `${role} ${label}`,
      role,
      institutionId: role === 'regulator' ? null : institutionId,
      regionId: role === 'regulator' ? districtId : null,
      passwordHash: await hashPassword(password),
    });
    users[role] = { username, password };
  }
  return { institutionId, townId, districtId, edgeId, edgePassword, cameraId, users };
}

export async function login(th: TestHub, user: { username: string; password: string }): Promise<string> {
  const res = await th.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: user });
  if (res.statusCode !== 200) throw new Error(`login ${user.username}: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

export function incidentEvent(t: Pick<Tenant, 'institutionId' | 'edgeId' | 'cameraId'>, over: Partial<IncidentEvent> = {}): IncidentEvent {
  const now = new Date().toISOString();
  return {
    schema: SCHEMA_VERSION,
    type: 'open',
    id: rid('inc'),
    seq: 0,
    kind: 'fall',
    severity: 'warning',
    institutionId: t.institutionId,
    edgeId: t.edgeId,
    cameraId: t.cameraId,
    zoneId: 'room-1',
    startedAt: now,
    at: now,
    message: 'child fell near the slide',
    evidence: { counts: { adults: 1, children: 4 }, confidence: 0.9 },
    ...over,
  } as IncidentEvent;
}

export async function connectEdge(url: string, t: Pick<Tenant, 'edgeId' | 'edgePassword'> | null, extra: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    // An edge's own client id (the embedded broker refuses any other), with a suffix so
    // one test may connect the same edge twice.
    clientId: t ? edgeClientId(t.edgeId, rid('t')) : rid('anonymous'),
    ...(t ? { username: t.edgeId, password: t.edgePassword } : {}),
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ...extra,
  });
}

export async function connectLive(url: string, token: string, opts: Partial<Parameters<typeof ioClient>[1]> = {}): Promise<LiveSocket> {
  const socket: LiveSocket = ioClient(url, { auth: { token }, transports: ['websocket'], reconnection: false, ...opts });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

/** Records every `incident` event a socket receives. */
export function collectIncidents(socket: LiveSocket): IncidentView[] {
  const seen: IncidentView[] = [];
  socket.on('incident', (v) => seen.push(v));
  return seen;
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The value of one Prometheus sample (0 when absent) from the hub's `/metrics`. */
export async function metricValue(th: TestHub, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await th.hub.app.inject({ method: 'GET', url: '/metrics' });
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of res.body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
