/**
 * Attacker suite, embedded broker, the config channel of issue 25: an edge may publish
 * attendance and config-ack on its own subtree only, subscribe to its own config only, and
 * never publish config (that would let an edge rewrite its own consent list, or, retained,
 * another edge's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { topics } from '../../protocol/index.ts';
import { connectEdge, createTenant, metricValue, startTestHub, type Tenant, type TestHub } from '../hub/hub-helpers.ts';

describe('config and attendance topic ACLs (embedded broker)', () => {
  let th: TestHub;
  let a: Tenant;
  let b: Tenant;
  let edgeA: MqttClient;

  beforeAll(async () => {
    th = await startTestHub({ listen: false });
    a = await createTenant(th.store, 'a');
    b = await createTenant(th.store, 'b');
    edgeA = await connectEdge(th.hub.mqttUrl, a);
  });
  afterAll(async () => {
    await edgeA?.endAsync();
    await th?.close();
  });

  /** QoS 1 publish refused by aedes: the broker drops the link, so reconnect per attempt. */
  const publishRefused = async (topic: string) => {
    const c = await connectEdge(th.hub.mqttUrl, a);
    const before = await metricValue(th, 'anyu_broker_refused_total', { action: 'publish' });
    // No PUBACK comes for a refused QoS 1 publish: aedes drops the link instead.
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    void c.publishAsync(topic, JSON.stringify({ schema: 1 }), { qos: 1 }).catch(() => undefined);
    await closed;
    expect(await metricValue(th, 'anyu_broker_refused_total', { action: 'publish' }), topic).toBe(before + 1);
    c.end(true);
  };

  it('refuses an edge publishing config, its own or another edge', async () => {
    await publishRefused(topics.config(a.institutionId, a.edgeId));
    await publishRefused(topics.config(b.institutionId, b.edgeId));
  });

  it("refuses an edge publishing another edge's attendance or config-ack", async () => {
    await publishRefused(topics.attendance(b.institutionId, b.edgeId));
    await publishRefused(topics.configAck(b.institutionId, b.edgeId));
    // Same institution, another edge id.
    await publishRefused(topics.attendance(a.institutionId, `${a.edgeId}x`));
  });

  it('refuses topics of its subtree outside the contract', async () => {
    await publishRefused(`anyu/v1/${a.institutionId}/${a.edgeId}/whatever`);
  });

  it('lets an edge subscribe to its own config, and to nothing else', async () => {
    const granted = await edgeA.subscribeAsync(topics.config(a.institutionId, a.edgeId), { qos: 1 });
    expect(granted[0]!.qos).toBe(1);
    for (const topic of [
      topics.config(b.institutionId, b.edgeId),
      topics.attendance(a.institutionId, a.edgeId),
      topics.configAck(a.institutionId, a.edgeId),
      topics.edgeSubtree(a.institutionId, a.edgeId),
      `anyu/v1/${a.institutionId}/+/config`,
    ]) {
      // SUBACK 0x80 for the filter; mqtt.js turns it into a rejection.
      await expect(edgeA.subscribeAsync(topic, { qos: 1 }), topic).rejects.toThrow(/Subscribe error/);
    }
  });
});
