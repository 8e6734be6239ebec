/**
 * The embedded broker acknowledges (PUBACK) an edge's message only once the hub stored
 * it: aedes PUBACKs before it hands a message to subscribers, so the hub ingests inside
 * `authorizePublish`, which runs before. A message the store could not take is not
 * acknowledged: the edge keeps it and sends it again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../hub/broker/embedded.ts';
import type { IngestOutcome } from '../../hub/ingest/process.ts';
import { createMetrics } from '../../hub/metrics.ts';
import { createStore } from '../../hub/store/index.ts';
import type { Store } from '../../hub/store/types.ts';
import { topics } from '../../protocol/index.ts';
import { connectEdge, createTenant, incidentEvent, type Tenant } from './hub-helpers.ts';

describe('embedded broker: PUBACK means stored', () => {
  let dir: string;
  let store: Store;
  let broker: EmbeddedBroker;
  let t: Tenant;
  const calls: string[] = [];
  let release: () => void = () => undefined;
  let next: IngestOutcome = { outcome: 'applied', kind: 'incident' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anyu-ack-'));
    store = await createStore({ sqlitePath: join(dir, 'anyu.db') });
    t = await createTenant(store, 'ack');
    broker = await startEmbeddedBroker({
      port: 0,
      host: '127.0.0.1',
      store,
      metrics: createMetrics({ defaultMetrics: false }),
      logger: pino({ level: 'silent' }),
      ingest: async (topic) => {
        calls.push(topic);
        await new Promise<void>((resolve) => (release = resolve));
        return next;
      },
    });
  });
  afterAll(async () => {
    release();
    await broker?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the publish only after ingest finished', async () => {
    const edge = await connectEdge(broker.url, t);
    let acked = false;
    const published = edge.publishAsync(topics.incident(t.institutionId, t.edgeId), JSON.stringify(incidentEvent(t)), { qos: 1 }).then(() => {
      acked = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toHaveLength(1);
    expect(acked).toBe(false);
    release();
    await published;
    expect(acked).toBe(true);
    await edge.endAsync();
  });

  it('does not acknowledge a message the store failed on (the link drops, the edge sends it again)', async () => {
    const edge = await connectEdge(broker.url, t);
    next = { outcome: 'rejected', kind: 'incident', reason: 'store_error' };
    const closed = new Promise<void>((resolve) => edge.once('close', () => resolve()));
    let acked = false;
    edge.publish(topics.incident(t.institutionId, t.edgeId), JSON.stringify(incidentEvent(t)), { qos: 1 }, (err) => {
      if (!err) acked = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    release();
    await closed;
    expect(acked).toBe(false);
    next = { outcome: 'applied', kind: 'incident' };
    await edge.endAsync(true);
  });
});

describe('embedded broker shutdown', () => {
  it('every message acknowledged to an edge before the hub closes is stored', async () => {
    const { startTestHub } = await import('./hub-helpers.ts');
    const th = await startTestHub({ listen: false });
    const t = await createTenant(th.store, 'shut');
    const edge = await connectEdge(th.hub.mqttUrl, t);
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 200 }, () => {
        const ev = incidentEvent(t);
        ids.push(ev.id);
        return edge.publishAsync(topics.incident(t.institutionId, t.edgeId), JSON.stringify(ev), { qos: 1 });
      }),
    );
    // Every PUBACK is in: close at once.
    await th.hub.close();
    await edge.endAsync(true);
    const page = await th.store.listIncidents({ kind: 'all' }, { limit: 500, offset: 0, institutionId: t.institutionId });
    expect(page.total).toBe(ids.length);
    await th.store.close();
    rmSync(th.dataDir, { recursive: true, force: true });
  });
});
