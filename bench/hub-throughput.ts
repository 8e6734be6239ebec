/**
 * Incidents per second the hub persists against the raw broker pass-through, in one run:
 * one edge (mqtt.js, QoS1, loopback) publishes N `open` incidents as fast as it can to the
 * hub's embedded aedes broker; a bare MQTT subscriber on that broker does nothing but
 * count them, while the hub validates and stores each (and pushes it over Socket.IO to
 * no one). The hub's rate counts what reached the store (the ingest `applied` counter,
 * checked against the store's own incident total at the end), not what was sent.
 *
 * The embedded broker lives in the hub's process and stores each message before it
 * acknowledges it (hub/broker/embedded.ts), so the bare subscriber is a server-side aedes
 * subscription that sees a message once it is through. The raw pass-through is taken
 * first on its own: the same payloads, published the same way, on a topic in the edge's
 * own subtree that ingest refuses at its first check (topic shape), so it measures the
 * broker and the ingest queue without validation or the store. The bare rate during the
 * hub run is reported too.
 */
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { edgeClientId, topics } from '../protocol/index.ts';
import { observeBroker, openIncident, startHubRig, waitUntil, type StoreKind } from './hub-rig.ts';

const RAW_MIN = 5000;

export interface ThroughputRun {
  count: number;
  /** Incidents per second reaching the store, first publish → the Nth stored. */
  hubPerS: number;
  /** Messages per second reaching the bare subscriber, first publish → the Nth received. */
  rawPerS: number;
  /** The bare subscriber's rate while the hub was storing the same messages. */
  rawDuringHubPerS: number;
  stored: number;
  /** Messages the bare subscriber got in the raw phase (max(count, 5000) were sent). */
  rawReceived: number;
}

export async function measureThroughput(opts: { store: StoreKind; databaseUrl?: string; count: number }): Promise<ThroughputRun> {
  const rig = await startHubRig(opts);
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const topic = topics.incident(rig.institutionId, rig.edgeId);
    const rawTopic = `anyu/v1/${rig.institutionId}/${rig.edgeId}/bench-raw`;
    const received = new Map<string, { n: number; want: number; doneAt: number }>([
      [topic, { n: 0, want: opts.count, doneAt: 0 }],
      [rawTopic, { n: 0, want: Math.max(opts.count, RAW_MIN), doneAt: 0 }],
    ]);
    cleanups.push(observeBroker(rig, `anyu/v1/${rig.institutionId}/${rig.edgeId}/#`, (t) => {
      const r = received.get(t);
      if (r && ++r.n === r.want) r.doneAt = performance.now();
    }));
    const edge = await mqtt.connectAsync(rig.hub.mqttUrl, { clientId: edgeClientId(rig.edgeId), username: rig.edgeId, password: rig.edgePassword, clean: false });
    cleanups.push(() => edge.endAsync(true));
    const rawPublisher = edge;

    // The raw burst is at least RAW_MIN messages so that it lasts long enough to time.
    const rawCount = Math.max(opts.count, RAW_MIN);
    const payloads = Array.from({ length: rawCount }, (_, i) => JSON.stringify(openIncident(rig, i)));
    const publishAll = async (client: mqtt.MqttClient, to: string, n: number): Promise<number> => {
      const started = performance.now();
      for (const [i, payload] of payloads.slice(0, n).entries()) {
        client.publish(to, payload, { qos: 1 });
        // Lets the socket drain now and then, as a real edge's event loop would.
        if (i % 50 === 49) await new Promise((r) => setImmediate(r));
      }
      return started;
    };
    const rawStarted = await publishAll(rawPublisher, rawTopic, rawCount);
    const raw = received.get(rawTopic)!;
    await waitUntil(async () => raw.n >= rawCount, 5, 60_000);

    const started = await publishAll(edge, topic, opts.count);
    const hubDone = await waitUntil(async () => (await rig.appliedIncidents()) >= opts.count, 5, 120_000);
    const during = received.get(topic)!;
    await waitUntil(async () => during.n >= opts.count, 5, 5_000);
    const stored = await rig.storedIncidents();
    const rate = (n: number, from: number, to: number) => (to > from ? n / ((to - from) / 1000) : Number.NaN);
    return {
      count: opts.count,
      hubPerS: hubDone === null ? Number.NaN : rate(stored, started, hubDone),
      rawPerS: raw.doneAt === 0 ? Number.NaN : rate(raw.n, rawStarted, raw.doneAt),
      rawDuringHubPerS: during.doneAt === 0 ? Number.NaN : rate(during.n, started, during.doneAt),
      stored,
      rawReceived: raw.n,
    };
  } finally {
    for (const c of cleanups.reverse()) await c();
    await rig.close();
  }
}
