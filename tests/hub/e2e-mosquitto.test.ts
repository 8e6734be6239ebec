import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { topics } from '../../protocol/index.ts';
import { defineE2E } from './e2e-scenario.ts';
import { connectEdge, createTenant, incidentEvent, rid, startTestHub, waitFor, type Tenant, type TestHub } from './hub-helpers.ts';

const url = process.env.MQTT_URL;
if (!url) console.warn('hub e2e against Mosquitto skipped: MQTT_URL is not set (e.g. MQTT_URL=mqtt://127.0.0.1:1883)');

describe.skipIf(!url)('hub end to end as a client of an external broker (MQTT_URL)', () => {
  defineE2E({ kind: 'external', url: url ?? '' });
});

describe.skipIf(!url)('two hubs sharing one MQTT v5 shared subscription', () => {
  const hubs: TestHub[] = [];
  let tenant: Tenant;
  let edge: MqttClient;

  beforeAll(async () => {
    const share = rid('hubs');
    for (let i = 0; i < 2; i++) hubs.push(await startTestHub({ listen: false, mqtt: { url: url ?? '', share } }));
    tenant = await createTenant(hubs[0]!.store, 'shared');
    // Each hub here has its own SQLite file, so both must know the institution.
    for (const list of [await hubs[0]!.store.listInstitutions({ kind: 'all' })]) {
      for (const inst of list) await hubs[1]!.store.upsertInstitution(inst);
    }
    edge = await connectEdge(url ?? '', tenant);
  });
  afterAll(async () => {
    await edge?.endAsync();
    for (const h of hubs) await h.close();
  });

  it('delivers each incident to exactly one of the hubs', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const ev = incidentEvent(tenant);
      ids.push(ev.id);
      await edge.publishAsync(topics.incident(tenant.institutionId, tenant.edgeId), JSON.stringify(ev), { qos: 1 });
    }
    const owners = async () =>
      Promise.all(ids.map(async (id) => Promise.all(hubs.map(async (h) => (await h.store.getIncident({ kind: 'all' }, id)) !== null))));
    const final = await waitFor('all 20 stored', async () => {
      const o = await owners();
      return o.every((per) => per.some(Boolean)) ? o : undefined;
    });
    expect(final.every((per) => per.filter(Boolean).length === 1)).toBe(true);
    const perHub = hubs.map((_, i) => final.filter((per) => per[i]).length);
    expect(perHub.every((n) => n > 0), `split ${perHub.join('/')}`).toBe(true);
  });
});
