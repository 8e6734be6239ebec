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
