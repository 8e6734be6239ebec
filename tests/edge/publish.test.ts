/**
 * Delivery policy against a real in-process broker (aedes): stable client id with a
 * persistent session, outbox entries removed only after PUBACK, retained status, an
 * `offline` Last Will when the link dies, QoS0 telemetry dropped (not queued) offline.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { HubConfig } from '../../edge/config/index.ts';
import { Outbox, createPublisher, type Publisher } from '../../edge/publish/index.ts';
import { SCHEMA_VERSION, topics, type EdgeStatus } from '../../protocol/index.ts';
import { plainBroker, waitFor } from './harness.ts';

const status = (state: 'online' | 'offline'): EdgeStatus => ({
  schema: SCHEMA_VERSION, institutionId: 'inst', edgeId: 'e1', state, version: '0.1.0',
  at: new Date().toISOString(), uptimeS: 0, cameras: [],
});

const broker = plainBroker;

describe('Outbox', () => {
  it('keeps entries in order until removed and evicts snapshots first when over its cap', () => {
    const box = new Outbox({ dir: mkdtempSync(join(tmpdir(), 'anyu-outbox-')), maxBytes: 250 });
    const a = box.add('anyu/v1/i/e/incident', Buffer.alloc(50, 1), 1, false, 1);
    box.add('anyu/v1/i/e/snapshot/x', Buffer.alloc(150, 2), 1, false, 2);
    const c = box.add('anyu/v1/i/e/incident', Buffer.alloc(50, 3), 1, false, 3);
    expect(box.after(0, 10).map((e) => e.id)).toHaveLength(3);
    box.add('anyu/v1/i/e/incident', Buffer.alloc(50, 4), 1, false, 4);
    expect(box.evicted).toBe(1);
    expect(box.after(0, 10).every((e) => !e.topic.includes('snapshot'))).toBe(true);
    box.remove(a);
    expect(box.after(0, 10)[0]!.id).toBe(c);
    box.close();
  });

  it('remembers incidents left open until their resolved event is queued', () => {
    const box = new Outbox({ dir: mkdtempSync(join(tmpdir(), 'anyu-outbox-')) });
    box.addIncident('anyu/v1/i/e/incident', 'a', 'open', Buffer.from('{"id":"a","seq":0}'), 1);
    box.addIncident('anyu/v1/i/e/incident', 'b', 'open', Buffer.from('{"id":"b","seq":0}'), 2);
    box.addIncident('anyu/v1/i/e/incident', 'a', 'update', Buffer.from('{"id":"a","seq":1}'), 3);
    box.addIncident('anyu/v1/i/e/incident', 'b', 'resolved', Buffer.from('{"id":"b","seq":1}'), 4);
    expect(box.openIncidents()).toEqual(['{"id":"a","seq":1}']);
    expect(box.size()).toBe(4);
    box.close();
  });
});

describe('publisher against a real broker', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('uses a stable id with a persistent session, delivers QoS1 through the outbox, retains status, and the Will says offline', async () => {
    const b = await broker();
    cleanups.push(() => b.close());
    const clients: Client[] = [];
    b.aedes.on('client', (c) => clients.push(c));
    const hub = HubConfig.parse({ url: b.url, institutionId: 'inst', edgeId: 'e1' });
    const pub: Publisher = createPublisher({ hub, outboxDir: mkdtempSync(join(tmpdir(), 'anyu-pub-')), willStatus: () => status('offline'), backoff: { initialMs: 100, maxMs: 400 } });
    cleanups.push(() => pub.close());
    await waitFor('connected', () => pub.stats().connected, 5000, 20);
    expect(clients[0]!.id).toBe('anyu-edge-e1');
    expect(clients[0]!.clean).toBe(false);

    const sub = await mqtt.connectAsync(b.url, { clientId: 'watcher', clean: true });
    cleanups.push(() => sub.endAsync());
    const got: { topic: string; payload: string; retain: boolean }[] = [];
    sub.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await sub.subscribeAsync('anyu/v1/#', { qos: 1 });

    pub.publishStatus(status('online'));
    pub.publishTelemetry('anyu/v1/inst/e1/telemetry', 'x');
    pub.publishSnapshot('inc-1', Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]));
    await pub.drained();
    expect(pub.stats().outboxSize).toBe(0);
    await waitFor('messages', () => got.length >= 3, 5000, 20);
    expect(got.map((g) => g.topic)).toEqual(expect.arrayContaining([topics.status('inst', 'e1'), topics.snapshot('inst', 'e1', 'inc-1')]));

    // The link dies without a DISCONNECT: the broker publishes the Will (retained, offline).
    for (const s of b.sockets) s.destroy();
    const late = await mqtt.connectAsync(b.url, { clientId: 'late', clean: true });
    cleanups.push(() => late.endAsync());
    const retained = await new Promise<EdgeStatus>((resolve) => {
      late.on('message', (_t, p) => {
        const s = JSON.parse(p.toString()) as EdgeStatus;
        if (s.state === 'offline') resolve(s);
      });
      void late.subscribeAsync(topics.status('inst', 'e1'), { qos: 1 });
    });
    expect(retained.state).toBe('offline');
  });

  it('keeps QoS1 entries on disk while the broker is away and drops QoS0 telemetry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anyu-pub-'));
    const hub = HubConfig.parse({ url: 'mqtt://127.0.0.1:1', institutionId: 'inst', edgeId: 'e2' });
    const pub = createPublisher({ hub, outboxDir: dir, willStatus: () => status('offline'), backoff: { initialMs: 100, maxMs: 200 } });
    const ev = { schema: SCHEMA_VERSION, type: 'open', id: 'inc-2', seq: 0, kind: 'fall', severity: 'critical', institutionId: 'inst', edgeId: 'e2', cameraId: 'c', zoneId: null, startedAt: new Date().toISOString(), at: new Date().toISOString(), evidence: {} } as const;
    pub.publishIncident(ev);
    pub.publishTelemetry('anyu/v1/inst/e2/telemetry', 'x');
    expect(pub.stats()).toMatchObject({ connected: false, outboxSize: 1, telemetryDropped: 1 });
    await pub.close();
    const box = new Outbox({ dir });
    expect(box.after(0, 10).map((e) => JSON.parse(e.payload.toString()).id)).toEqual(['inc-2']);
    box.close();
  });
});
