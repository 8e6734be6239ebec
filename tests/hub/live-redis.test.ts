/**
 * Several hubs (REDIS_URL): with the Redis streams adapter, a dashboard connected to hub A
 * receives an incident that hub B ingested from its edge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { createClient } from 'redis';
import { topics } from '../../protocol/index.ts';
import { hashPassword } from '../../hub/auth/passwords.ts';
import { collectIncidents, connectEdge, connectLive, createTenant, incidentEvent, login, rid, startTestHub, waitFor, type LiveSocket, type Tenant, type TestHub } from './hub-helpers.ts';

const url = process.env.REDIS_URL;
if (!url) console.warn('multi-hub live push skipped: REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)');

describe.skipIf(!url)('live push across hubs through Redis streams', () => {
  let hubA: TestHub;
  let hubB: TestHub;
  let t: Tenant;
  let edge: MqttClient;
  let socket: LiveSocket;
  const redisStream = rid('anyu-test');

  beforeAll(async () => {
    // A stream of its own (above) so concurrent runs on the same Redis never see each other.
    hubA = await startTestHub({ redisUrl: url, redisStream });
    hubB = await startTestHub({ redisUrl: url, redisStream });
    t = await createTenant(hubA.store, 'multi');
    // Hub B has its own SQLite file here: it needs the institution and the edge.
    for (const inst of await hubA.store.listInstitutions({ kind: 'all' })) await hubB.store.upsertInstitution(inst);
    await hubB.store.upsertEdge({ id: t.edgeId, institutionId: t.institutionId, passwordHash: await hashPassword(t.edgePassword) });
    socket = await connectLive(hubA.url, await login(hubA, t.users.supervisor));
    edge = await connectEdge(hubB.hub.mqttUrl, t);
  });
  afterAll(async () => {
    socket?.disconnect();
    await edge?.endAsync();
    await hubA?.close();
    await hubB?.close();
    const redis = createClient({ url });
    await redis.connect();
    const keys = await redis.keys(`${redisStream}*`);
    if (keys.length > 0) await redis.del(keys);
    await redis.close();
  });

  it('a client of hub A gets the incident that hub B ingested', async () => {
    const seen = collectIncidents(socket);
    const ev = incidentEvent(t);
    await edge.publishAsync(topics.incident(t.institutionId, t.edgeId), JSON.stringify(ev), { qos: 1 });
    const got = await waitFor('incident via Redis', () => seen.find((v) => v.id === ev.id), 15_000);
    expect(got.institutionId).toBe(t.institutionId);
    expect(await hubA.store.getIncident({ kind: 'all' }, ev.id)).toBeNull();
  });
});
