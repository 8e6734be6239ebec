/**
 * The hub → edge config channel over a real MQTT broker (aedes in-process): the edge's
 * publisher subscribes to its own retained config topic, the channel applies versions in
 * order (never backwards), deletes the templates of children whose consent was withdrawn
 * before it acknowledges, re-acknowledges a version the hub sends again, refuses what it
 * cannot apply with ok:false, and enforces the last applied consent list after a restart.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigChannel } from '../../edge/attendance/config-channel.ts';
import { TemplateStore } from '../../edge/attendance/template-store.ts';
import { HubConfig } from '../../edge/config/index.ts';
import { createPublisher, type Publisher } from '../../edge/publish/index.ts';
import { EdgeConfigAck, SCHEMA_VERSION, topics, type EdgeStatus } from '../../protocol/index.ts';
import { plainBroker, waitFor } from '../edge/harness.ts';

const INST = 'inst-cfg';
const EDGE = 'edge-cfg';
const KEY = Buffer.alloc(32, 7);
const v = (s: number) => Float32Array.from({ length: 128 }, (_, i) => Math.cos(s + i));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function broker(): Promise<string> {
  const b = await plainBroker();
  cleanups.push(b.close);
  return b.url;
}

const config = (version: number, childIds: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ schema: SCHEMA_VERSION, institutionId: INST, edgeId: EDGE, version, issuedAt: new Date().toISOString(), faceConsent: { childIds }, ...extra });

function edge(url: string, dir: string, store: TemplateStore): { publisher: Publisher; channel: ConfigChannel } {
  const status: EdgeStatus = { schema: SCHEMA_VERSION, institutionId: INST, edgeId: EDGE, state: 'offline', version: '0', at: new Date().toISOString(), uptimeS: 0, cameras: [] };
  const publisher = createPublisher({ hub: HubConfig.parse({ url, institutionId: INST, edgeId: EDGE }), outboxDir: join(dir, 'outbox'), willStatus: () => status });
  const channel = new ConfigChannel({ institutionId: INST, edgeId: EDGE, store, stateFile: join(dir, 'edge-config.json'), publishAck: (a) => publisher.publishConfigAck(a) });
  return { publisher, channel };
}

describe('edge config channel', () => {
  it('applies versions in order, deletes withdrawn children before the ack, re-acks, refuses what it cannot apply, survives a restart', async () => {
    const url = await broker();
    const dir = mkdtempSync(join(tmpdir(), 'anyu-cfgch-'));
    const storePath = join(dir, 'templates.enc');
    const store = TemplateStore.open(storePath, KEY);
    for (const id of ['child-a', 'child-b', 'child-c']) await store.enrol(id, 'faceapi', [v(id.length + id.charCodeAt(6))]);

    // The hub's side: a plain MQTT client that publishes retained configs and reads every ack.
    const hub = await mqtt.connectAsync(url, { clientId: 'anyu-hub-test' });
    cleanups.push(() => hub.endAsync(true));
    const acks: EdgeConfigAck[] = [];
    const rawAcks: Buffer[] = [];
    hub.on('message', (_t, payload) => {
      rawAcks.push(payload);
      acks.push(EdgeConfigAck.parse(JSON.parse(payload.toString())));
    });
    await hub.subscribeAsync(topics.configAck(INST, EDGE), { qos: 1 });
    // Retained before the edge connects: a (re)connecting edge still gets it.
    await hub.publishAsync(topics.config(INST, EDGE), config(1, ['child-a', 'child-b']), { qos: 1, retain: true });

    const { publisher, channel } = edge(url, dir, store);
    cleanups.push(() => publisher.close());
    await channel.start();
    publisher.onConfig((p) => void channel.handle(p));
    await waitFor('ack of version 1', () => acks.find((a) => a.version === 1), 10_000);
    expect(acks[0]).toMatchObject({ version: 1, ok: true, enrolled: ['child-a', 'child-b'], deleted: ['child-c'] });
    expect(TemplateStore.open(storePath, KEY).childIds()).toEqual(['child-a', 'child-b']);

    // The hub did not hear the ack (say) and sends version 1 again: acked again, nothing changes.
    await hub.publishAsync(topics.config(INST, EDGE), config(1, ['child-a', 'child-b']), { qos: 1, retain: true });
    await waitFor('second ack of version 1', () => acks.filter((a) => a.version === 1).length === 2, 10_000);
    expect(acks[1]).toMatchObject({ version: 1, ok: true, enrolled: ['child-a', 'child-b'], deleted: ['child-c'] });

    // Withdrawal of child-b.
    await hub.publishAsync(topics.config(INST, EDGE), config(2, ['child-a']), { qos: 1, retain: true });
    await waitFor('ack of version 2', () => acks.find((a) => a.version === 2), 10_000);
    expect(acks.find((a) => a.version === 2)).toMatchObject({ ok: true, enrolled: ['child-a'], deleted: ['child-b'] });
    expect(TemplateStore.open(storePath, KEY).childIds()).toEqual(['child-a']);

    // An older version (a delayed message) is ignored: no ack, nothing restored.
    const before = acks.length;
    await hub.publishAsync(topics.config(INST, EDGE), config(1, ['child-a', 'child-b', 'child-c']), { qos: 1, retain: false });
    // Camera configuration is not supported yet: ok:false with the reason, consent still applied.
    await hub.publishAsync(topics.config(INST, EDGE), config(3, [], { cameras: [{ id: 'cam-9' }] }), { qos: 1, retain: true });
    await waitFor('ack of version 3', () => acks.find((a) => a.version === 3), 10_000);
    expect(acks.slice(before).map((a) => a.version)).toEqual([3]);
    expect(acks.find((a) => a.version === 3)).toMatchObject({ ok: false, enrolled: [], deleted: ['child-a'] });
    expect(acks.find((a) => a.version === 3)!.error).toMatch(/camera configuration .* not supported .* face consent applied/);
    expect(channel.appliedVersion).toBe(3);

    // A malformed version 4 is refused with the failing field; the applied version stays 3.
    await hub.publishAsync(topics.config(INST, EDGE), config(4, ['child-a'], { templates: 'AAAA' }), { qos: 1, retain: false });
    await waitFor('ack of version 4', () => acks.find((a) => a.version === 4), 10_000);
    expect(acks.find((a) => a.version === 4)).toMatchObject({ ok: false });
    expect(acks.find((a) => a.version === 4)!.error).toMatch(/invalid config/);
    expect(channel.appliedVersion).toBe(3);

    // Every ack is strict and small: ids and counts, never a template.
    for (const raw of rawAcks) {
      expect(raw.length).toBeLessThan(1024);
      expect(() => EdgeConfigAck.parse(JSON.parse(raw.toString()))).not.toThrow();
    }

    // Restart: a template added while the edge was off (e.g. a restored backup) is deleted at
    // start, from the consent list kept on disk, before any config arrives.
    await publisher.close();
    const store2 = TemplateStore.open(storePath, KEY);
    await store2.enrol('child-b', 'faceapi', [v(9)]);
    const restarted = new ConfigChannel({ institutionId: INST, edgeId: EDGE, store: store2, stateFile: join(dir, 'edge-config.json'), publishAck: () => undefined });
    expect(restarted.appliedVersion).toBe(3);
    expect(await restarted.start()).toEqual(['child-b']);
    expect(TemplateStore.open(storePath, KEY).childIds()).toEqual([]);
  }, 60_000);

  it('ignores a config addressed to another edge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anyu-cfgch-'));
    const acks: EdgeConfigAck[] = [];
    const channel = new ConfigChannel({ institutionId: INST, edgeId: EDGE, stateFile: join(dir, 's.json'), publishAck: (a) => acks.push(a) });
    const other = JSON.stringify({ schema: SCHEMA_VERSION, institutionId: INST, edgeId: 'edge-other', version: 5, issuedAt: new Date().toISOString(), faceConsent: { childIds: [] } });
    expect(await channel.handle(other)).toBeNull();
    expect(await channel.handle('not json')).toBeNull();
    expect(acks).toEqual([]);
    // Without a template store (no attendance section) the edge still acks, with nothing enrolled.
    const ack = await channel.handle(config(1, ['child-a']));
    expect(ack).toMatchObject({ version: 1, ok: true, enrolled: [], deleted: [] });
  });
});
