/**
 * Publish → Socket.IO latency through a real hub (see hub-rig.ts): an edge (mqtt.js, QoS1)
 * publishes `open` incidents at a fixed rate; a supervisor's socket.io-client times each
 * from publish to receipt, and a bare MQTT subscriber on the same broker times the same
 * messages side by side, so the hub's own cost (validate, store, push) shows as the
 * difference. One hub serves every load of a probe (its store grows across loads).
 *
 *   node bin/run-ts.mjs bench/hub-latency.ts [--count 1000] [--rate 100]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { io as ioClient, type Socket } from 'socket.io-client';
import { edgeClientId, topics, type ServerToClientEvents } from '../protocol/index.ts';
import { fmt, markdownTable, quantile } from './stats.ts';
import { observeBroker, openIncident, startHubRig, type HubRig } from './hub-rig.ts';

export interface LatencyResult {
  count: number;
  ratePerS: number;
  /** Publish rate the edge achieved (its own loop may fall behind the target). */
  publishedPerS: number;
  hubMs: number[];
  brokerMs: number[];
}

export interface LatencyProbe {
  /** Publishes `count` incidents at `ratePerS`; waits up to `drainMs` after the last for receipts. */
  load(count: number, ratePerS: number, drainMs?: number): Promise<LatencyResult>;
  close(): Promise<void>;
}

export async function openLatencyProbe(rig: HubRig): Promise<LatencyProbe> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const sentAt = new Map<string, number>();
  let hubMs: number[] = [];
  let brokerMs: number[] = [];
  let expected = 0;
  let allIn: () => void = () => undefined;

  const socket: Socket<ServerToClientEvents> = ioClient(rig.url, { auth: { token: rig.token }, transports: ['websocket'], reconnection: false });
  cleanups.push(async () => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on('incident', (v) => {
    const t0 = sentAt.get(v.id);
    if (t0 === undefined || v.seq !== 0) return;
    hubMs.push(performance.now() - t0);
    if (hubMs.length === expected) allIn();
  });

  const topic = topics.incident(rig.institutionId, rig.edgeId);
  // A server-side aedes subscription: it sees a message once the broker passed it on,
  // which (ingest before PUBACK, hub/broker/embedded.ts) is after the hub stored it.
  cleanups.push(observeBroker(rig, topic, (_topic, payload) => {
    const t0 = sentAt.get((JSON.parse(payload.toString('utf8')) as { id: string }).id);
    if (t0 !== undefined) brokerMs.push(performance.now() - t0);
  }));
  const edge = await mqtt.connectAsync(rig.hub.mqttUrl, { clientId: edgeClientId(rig.edgeId), username: rig.edgeId, password: rig.edgePassword, clean: false });
  cleanups.push(() => edge.endAsync(true));

  let serial = 0;
  return {
    async load(count, ratePerS, drainMs = 10_000) {
      sentAt.clear();
      hubMs = [];
      brokerMs = [];
      expected = count;
      const done = new Promise<void>((resolve) => (allIn = resolve));
      const interval = 1000 / ratePerS;
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const ev = openIncident(rig, serial++);
        const payload = JSON.stringify(ev);
        sentAt.set(ev.id, performance.now());
        edge.publish(topic, payload, { qos: 1 });
        // Sleeps to the schedule of message i+1; a late loop catches up in a short burst.
        const wait = started + (i + 1) * interval - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const publishedPerS = count / ((performance.now() - started) / 1000);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)))]);
      clearTimeout(timer);
      return { count, ratePerS, publishedPerS, hubMs: [...hubMs], brokerMs: [...brokerMs] };
    },
    async close() {
      for (const c of cleanups.reverse()) await c();
    },
  };
}

export function formatLatency(r: LatencyResult): string {
  const row = (name: string, xs: number[]) => [name, xs.length, fmt(quantile(xs, 0.5), 2), fmt(quantile(xs, 0.9), 2), fmt(quantile(xs, 0.99), 2), fmt(Math.max(...xs), 2)];
  return [
    `${r.count} incidents (QoS1, \`open\`) at ${r.ratePerS}/s (published ${fmt(r.publishedPerS, 0)}/s) on loopback.`,
    '',
    markdownTable(['path', 'n', 'median ms', 'p90 ms', 'p99 ms', 'max ms'], [
      row('edge → hub → Socket.IO client', r.hubMs),
      row('edge → broker → bare MQTT subscriber (peer)', r.brokerMs),
    ]),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' }, rate: { type: 'string', default: '100' } } });
  const count = Number(values.count);
  const rate = Number(values.rate);
  if (!Number.isInteger(count) || count < 1 || !(rate > 0)) {
    console.error('usage: node bin/run-ts.mjs bench/hub-latency.ts [--count <n>] [--rate <per second, > 0>]');
    process.exitCode = 2;
    return;
  }
  const rig = await startHubRig({ store: 'sqlite' });
  try {
    const probe = await openLatencyProbe(rig);
    try {
      const result = await probe.load(count, rate);
      console.log(formatLatency(result));
      if (result.hubMs.length < count) process.exitCode = 1;
    } finally {
      await probe.close();
    }
  } finally {
    await rig.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
