/**
 * Publish → Socket.IO latency through a real hub: embedded aedes broker, SQLite file
 * store, an edge (mqtt.js, QoS1) publishing N `open` incidents at a fixed rate, and a
 * supervisor's socket.io-client timing each incident from publish to receipt. A bare
 * MQTT subscriber on the same broker times the same messages side by side, so the hub's
 * own cost (validate, store, push) shows as the difference.
 *
 *   node bin/run-ts.mjs bench/hub-latency.ts [--count 1000] [--rate 100]   (--rate 0: throughput run)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { io as ioClient, type Socket } from 'socket.io-client';
import { SCHEMA_VERSION, topics, type IncidentEvent, type ServerToClientEvents } from '../protocol/index.ts';
import { buildHub } from '../hub/app.ts';
import { hashPassword } from '../hub/auth/passwords.ts';
import { fmt, markdownTable, quantile } from './stats.ts';

export interface LatencyResult {
  count: number;
  ratePerS: number;
  received: number;
  hubMs: number[];
  brokerMs: number[];
  wallS: number;
  /** Seconds from the first publish to the last receipt, per path (throughput). */
  hubSpanS: number;
  brokerSpanS: number;
}

export async function measureHubLatency(opts: { count: number; ratePerS: number; log?: (m: string) => void }): Promise<LatencyResult> {
  const log = opts.log ?? ((m: string) => console.error(m));
  const dataDir = mkdtempSync(join(tmpdir(), 'anyu-bench-hub-'));
  const hub = await buildHub({
    dataDir,
    logger: false,
    mqtt: { embedded: { port: 0, host: '127.0.0.1' } },
    http: { port: 0, host: '127.0.0.1' },
    mqttClientId: `bench-hub-${randomBytes(3).toString('hex')}`,
  });
  const cleanups: Array<() => Promise<unknown>> = [async () => rmSync(dataDir, { recursive: true, force: true }), () => hub.close()];
  try {
    const url = await hub.listen();
    const inst = 'bench-inst';
    const edgeId = 'bench-edge';
    const edgePassword = randomBytes(12).toString('hex');
    const userPassword = randomBytes(12).toString('hex');
    await hub.store.upsertInstitution({ id: inst, name: 'Bench', level: 'level2', townId: 'bench-town', districtId: 'bench-district', registered: true });
    await hub.store.upsertEdge({ id: edgeId, institutionId: inst, passwordHash: await hashPassword(edgePassword) });
    await hub.store.createUser({ username: 'bench-supervisor', displayName: 'Bench', role: 'supervisor', institutionId: inst, regionId: null, passwordHash: await hashPassword(userPassword) });
    const login = await hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench-supervisor', password: userPassword } });
    const token = (login.json() as { token: string }).token;

    const sentAt = new Map<string, number>();
    let lastHub = 0;
    let lastBroker = 0;
    const hubMs: number[] = [];
    const brokerMs: number[] = [];

    const socket: Socket<ServerToClientEvents> = ioClient(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    cleanups.unshift(async () => socket.disconnect());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    let received = 0;
    let allIn: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allIn = resolve));
    socket.on('incident', (v) => {
      const t0 = sentAt.get(v.id);
      if (t0 === undefined || v.seq !== 0) return;
      hubMs.push(performance.now() - t0);
      lastHub = performance.now();
      if (++received === opts.count) allIn();
    });

    // The bare subscriber signs in like the hub's own client (a broker-internal credential).
    const bare = await mqtt.connectAsync(hub.mqttUrl, { ...hub.broker!.hubCredentials, clientId: `bench-bare-${randomBytes(3).toString('hex')}` });
    cleanups.unshift(() => bare.endAsync(true));
    await bare.subscribeAsync(topics.incident(inst, edgeId), { qos: 1 });
    bare.on('message', (_topic, payload) => {
      const id = (JSON.parse(payload.toString('utf8')) as { id: string }).id;
      const t0 = sentAt.get(id);
      if (t0 === undefined) return;
      brokerMs.push(performance.now() - t0);
      lastBroker = performance.now();
    });

    const edge = await mqtt.connectAsync(hub.mqttUrl, { clientId: `bench-edge-${randomBytes(3).toString('hex')}`, username: edgeId, password: edgePassword, clean: false });
    cleanups.unshift(() => edge.endAsync(true));

    log(`publishing ${opts.count} incidents ${opts.ratePerS > 0 ? `at ${opts.ratePerS}/s` : "in a burst"}…`);
    const started = performance.now();
    // Rate 0 publishes as fast as the client can (a throughput run).
    const interval = opts.ratePerS > 0 ? 1000 / opts.ratePerS : 0;
    for (let i = 0; i < opts.count; i++) {
      const now = new Date().toISOString();
      const ev: IncidentEvent = {
        schema: SCHEMA_VERSION,
        type: 'open',
        id: `bench-${i}-${randomBytes(3).toString('hex')}`,
        seq: 0,
        kind: i % 2 === 0 ? 'fall' : 'crowding',
        severity: 'warning',
        institutionId: inst,
        edgeId,
        cameraId: 'cam-1',
        zoneId: 'room-1',
        startedAt: now,
        at: now,
        evidence: { counts: { adults: 1, children: 6 }, confidence: 0.8 },
      };
      const payload = JSON.stringify(ev);
      sentAt.set(ev.id, performance.now());
      edge.publish(topics.incident(inst, edgeId), payload, { qos: 1 });
      if (interval > 0) {
        const wait = started + (i + 1) * interval - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      } else if (i % 50 === 49) {
        await new Promise((r) => setImmediate(r));
      }
    }
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 30_000));
    await Promise.race([done, timeout]);
    return {
      count: opts.count,
      ratePerS: opts.ratePerS,
      received,
      hubMs,
      brokerMs,
      wallS: (performance.now() - started) / 1000,
      hubSpanS: (lastHub - started) / 1000,
      brokerSpanS: (lastBroker - started) / 1000,
    };
  } finally {
    for (const c of cleanups) await c();
  }
}

export function formatLatency(r: LatencyResult): string {
  const row = (name: string, xs: number[]) => [name, xs.length, fmt(quantile(xs, 0.5), 2), fmt(quantile(xs, 0.9), 2), fmt(quantile(xs, 0.99), 2), fmt(Math.max(...xs), 2)];
  return [
    `${r.count} incidents (QoS1, \`open\`, one SQLite write each) ${r.ratePerS > 0 ? `at ${r.ratePerS}/s` : 'as fast as the edge can publish'} on loopback; ${r.received}/${r.count} reached the Socket.IO client.`,
    '',
    markdownTable(['path', 'n', 'median ms', 'p90 ms', 'p99 ms', 'max ms'], [
      row('edge → hub → Socket.IO client', r.hubMs),
      row('edge → broker → bare MQTT subscriber (peer)', r.brokerMs),
    ]),
    '',
    `Median ratio hub / bare broker: ${fmt(quantile(r.hubMs, 0.5) / quantile(r.brokerMs, 0.5), 1)}×; throughput hub ${fmt(r.received / r.hubSpanS, 0)}/s, bare broker ${fmt(r.brokerMs.length / r.brokerSpanS, 0)}/s. Hub, edge and clients share one Node process.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' }, rate: { type: 'string', default: '100' } } });
  const count = Number(values.count);
  const rate = Number(values.rate);
  if (!Number.isInteger(count) || count < 1 || !(rate >= 0)) {
    console.error('usage: node bin/run-ts.mjs bench/hub-latency.ts [--count <n>] [--rate <per second>]');
    process.exitCode = 2;
    return;
  }
  const result = await measureHubLatency({ count, ratePerS: rate });
  console.log(formatLatency(result));
  if (result.received < count) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
