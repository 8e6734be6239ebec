/**
 * The real hub (`buildHub`: embedded aedes broker with per-edge auth, MQTT ingest, SQLite
 * store) for edge tests, plus small helpers. Tests count at the hub what the edge
 * delivered.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { hashPassword } from '../../hub/auth/passwords.ts';
import { buildHub, type Hub } from '../../hub/app.ts';
import type { IncidentDetail } from '../../protocol/index.ts';
import { parseConfig, type EdgeConfig, type EdgeConfigInput } from '../../edge/config/index.ts';

export const INSTITUTION = 'inst-edge-test';
export const EDGE_PASSWORD = 'edge-test-password-1';

/** The hub with its embedded broker on `mqttPort`, or as a client of an external broker URL. */
export async function startHub(dataDir: string, mqtt: number | string = 0): Promise<Hub> {
  const hub = await buildHub({
    dataDir,
    http: { port: 0, host: '127.0.0.1' },
    mqtt: typeof mqtt === 'string' ? { url: mqtt } : { embedded: { port: mqtt, host: '127.0.0.1' } },
    mqttClientId: 'anyu-hub-edge-tests',
    // The machine's Mosquitto keeps Debian's default 1,000-message queue (see tests/hub/hub-helpers.ts).
    mqttQueueCheck: 0,
    logger: false,
  });
  return hub;
}

export async function registerEdge(hub: Hub, edgeId: string, cameraIds: string[]): Promise<void> {
  const store = hub.store;
  await store.upsertInstitution({ id: INSTITUTION, name: 'Edge test centre', level: 'level2', townId: 'town-t', districtId: 'district-t', registered: true });
  await store.upsertEdge({ id: edgeId, institutionId: INSTITUTION, passwordHash: await hashPassword(EDGE_PASSWORD) });
  for (const id of cameraIds) {
    await store.upsertCamera({ id, institutionId: INSTITUTION, edgeId, name: id, roomId: null, expectedFps: 5 });
  }
}

export function edgeConfig(baseDir: string, input: Omit<EdgeConfigInput, 'hub'> & { hub: { url: string; edgeId: string } & Partial<EdgeConfigInput['hub']> }): EdgeConfig {
  return parseConfig(
    { ...input, hub: { institutionId: INSTITUTION, username: input.hub.edgeId, password: EDGE_PASSWORD, ...input.hub } },
    baseDir,
  );
}

export async function incidentsAt(hub: Hub, cameraId?: string): Promise<IncidentDetail[]> {
  const scope = { kind: 'institution' as const, institutionId: INSTITUTION };
  const { items } = await hub.store.listIncidents(scope, { limit: 500, offset: 0, ...(cameraId ? { cameraId } : {}) });
  const out: IncidentDetail[] = [];
  for (const i of items) {
    const d = await hub.store.getIncident(scope, i.id);
    if (d) out.push(d);
  }
  return out;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export interface PlainBroker {
  aedes: Aedes;
  server: Server;
  url: string;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/** A bare aedes broker on a free loopback port (no auth): for tests of the edge's MQTT side alone. */
export async function plainBroker(): Promise<PlainBroker> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    aedes.handle(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    aedes,
    server,
    url,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
