/**
 * Fault injection: the external broker goes away and comes back on the same port. The
 * hub reports `degraded` meanwhile, reconnects by its own backoff, subscribes again on
 * the fresh broker (no session there) and ingests what edges publish afterwards.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { backoffMs } from '../../hub/ingest/mqtt-ingest.ts';
import { connectEdge, createTenant, incidentEvent, startTestHub, waitFor, type Tenant, type TestHub } from './hub-helpers.ts';

interface Broker {
  port: number;
  close(): Promise<void>;
}

async function startBroker(port = 0): Promise<Broker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('hub survives an external broker restart', () => {
  let broker: Broker;
  let th: TestHub;
  let t: Tenant;

  beforeAll(async () => {
    broker = await startBroker();
    th = await startTestHub({ listen: false, mqtt: { url: `mqtt://127.0.0.1:${broker.port}` } });
    t = await createTenant(th.store, 'r');
  });
  afterAll(async () => {
    await th?.close();
    await broker?.close();
  });

  const health = async () => (await th.hub.app.inject({ method: 'GET', url: '/api/health' })).json() as { status: string };

  const deliver = async () => {
    const edge = await connectEdge(`mqtt://127.0.0.1:${broker.port}`, t);
    const ev = incidentEvent(t);
    await edge.publishAsync(topics.incident(t.institutionId, t.edgeId), JSON.stringify(ev), { qos: 1 });
    await edge.endAsync();
    await waitFor(`incident ${ev.id} stored`, async () => (await th.store.getIncident({ kind: 'all' }, ev.id)) !== null, 20_000);
  };

  it('ingests before, reports degraded during, and ingests again after the restart', async () => {
    await deliver();
    expect((await health()).status).toBe('ok');
    const port = broker.port;
    await broker.close();
    await waitFor('degraded health', async () => (await health()).status === 'degraded');
    broker = await startBroker(port);
    await waitFor('hub reconnected', async () => (await health()).status === 'ok', 20_000);
    await deliver();
  });

  it('backs off exponentially with jitter, capped', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const ceiling = Math.min(30_000, 1_000 * 2 ** attempt);
      const d = backoffMs(attempt);
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThanOrEqual(ceiling);
    }
  });
});
