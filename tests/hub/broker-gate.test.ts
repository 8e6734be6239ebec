/**
 * The embedded broker keeps edges out until the hub's ingest has subscribed: aedes would
 * otherwise PUBACK an early edge's QoS1 messages with nobody to deliver them to. Refused
 * edges get "server unavailable" and retry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../hub/broker/embedded.ts';
import { createMetrics } from '../../hub/metrics.ts';
import { createStore } from '../../hub/store/index.ts';
import type { Store } from '../../hub/store/types.ts';
import { connectEdge, createTenant, type Tenant } from './hub-helpers.ts';

describe('embedded broker start-up gate', () => {
  let dir: string;
  let store: Store;
  let broker: EmbeddedBroker;
  let t: Tenant;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anyu-gate-'));
    store = await createStore({ sqlitePath: join(dir, 'anyu.db') });
    t = await createTenant(store, 'gate');
    broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', store, metrics: createMetrics({ defaultMetrics: false }), logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await broker?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses edges as "server unavailable" until opened, then lets them in', async () => {
    await expect(connectEdge(broker.url, t)).rejects.toThrow(/[Ss]erver unavailable/);
    broker.openToEdges();
    const edge = await connectEdge(broker.url, t);
    expect(edge.connected).toBe(true);
    await edge.endAsync();
  });
});

describe('embedded broker shutdown', () => {
  it('ingests every message acknowledged to an edge before the hub closes', async () => {
    const { startTestHub, incidentEvent: make } = await import('./hub-helpers.ts');
    const { topics } = await import('../../protocol/index.ts');
    const th = await startTestHub({ listen: false });
    const t = await createTenant(th.store, 'shut');
    const edge = await connectEdge(th.hub.mqttUrl, t);
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 200 }, () => {
        const ev = make(t);
        ids.push(ev.id);
        return edge.publishAsync(topics.incident(t.institutionId, t.edgeId), JSON.stringify(ev), { qos: 1 });
      }),
    );
    // Every PUBACK is in: close at once, without waiting for ingest to catch up.
    await th.hub.close();
    await edge.endAsync(true);
    const page = await th.store.listIncidents({ kind: 'all' }, { limit: 500, offset: 0, institutionId: t.institutionId });
    expect(page.total).toBe(ids.length);
    await th.store.close();
    rmSync(th.dataDir, { recursive: true, force: true });
  });
});
