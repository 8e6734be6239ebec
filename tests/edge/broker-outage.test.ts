/**
 * The MQTT broker (a real Mosquitto with on-disk persistence, the hub's external broker)
 * is stopped for 30 s while the edge keeps producing incidents; when it is back, every
 * incident event reaches the real hub, each once, in order. Events come from a rule
 * engine driven by the agent's tick, made by the same IncidentLifecycle real rules use;
 * capture runs on real footage meanwhile.
 *
 * Why Mosquitto and not the hub's embedded broker: restarting the embedded broker means
 * restarting the hub, and an edge that reconnects in the moment between the new broker
 * listening and the hub's ingest subscribing gets PUBACKs for messages nobody receives
 * (reported to the hub owners). A persistent broker keeps the hub's session and queue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/app.ts';
import type { IncidentEvent } from '../../protocol/index.ts';
import type { RuleEngine } from '../../edge/types.ts';
import { HAVE_VTEST, vtest } from './footage.ts';
import { edgeConfig, incidentsAt, registerEdge, startHub, waitFor } from './harness.ts';
import { MOSQUITTO, mosquitto, type TestMosquitto } from './mosquitto.ts';
import { freePort } from './rtsp.ts';

const EDGE = 'edge-outage';
const TIMELINE: Record<IncidentEvent['type'], string> = { open: 'opened', update: 'updated', resolved: 'resolved' };

if (!MOSQUITTO) console.warn('tests/edge/broker-outage: mosquitto binary not installed; skipping');

describe.skipIf(!HAVE_VTEST || !MOSQUITTO)('broker outage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anyu-edge-outage-'));
  let hub: Hub | null = null;
  let agent: Agent | null = null;
  let broker: TestMosquitto | null = null;

  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every incident produced while the broker is down for 30 s arrives once after it returns', async () => {
    broker = mosquitto(dir, await freePort());
    await broker.start();
    hub = await startHub(join(dir, 'hub'), broker.url);
    await registerEdge(hub, EDGE, ['cam-1']);
    const produced: IncidentEvent[] = [];
    let producing = true;
    const config = edgeConfig(dir, {
      hub: { url: broker.url, edgeId: EDGE, statusIntervalSeconds: 2 },
      outboxDir: join(dir, 'outbox'),
      health: { backoffInitialSeconds: 0.5, backoffMaxSeconds: 5, tamper: { enabled: false } },
      cameras: [{ id: 'cam-1', source: vtest(), fps: 2, width: 64, height: 48 }],
    });
    agent = createAgent({
      config,
      log: () => undefined,
      tickMs: 400,
      onIncident: (ev) => produced.push(ev),
      rules: (camera, lifecycle): RuleEngine => ({
        onFrame: () => [],
        tick: () => {
          if (!producing) return [];
          const key = `${camera.id}:crowding`;
          if (lifecycle.isOpen(key)) return [lifecycle.resolve(key)];
          return [lifecycle.open(key, { kind: 'crowding', severity: 'warning', cameraId: camera.id, zoneId: null, evidence: { counts: { people: 9 }, limit: 8 } })];
        },
      }),
    });
    agent.start();
    await waitFor('first incidents at the hub', async () => (await incidentsAt(hub!)).length >= 2, 15_000);

    await broker.stop();
    const before = produced.length;
    await new Promise((r) => setTimeout(r, 30_000));
    expect(produced.length - before).toBeGreaterThanOrEqual(30);
    expect(agent.publisher.stats().connected).toBe(false);

    await broker.start();
    producing = false;
    await waitFor('outbox drained', () => agent!.publisher.stats().outboxSize === 0, 40_000);

    const expected = new Map<string, string[]>();
    for (const ev of produced) expected.set(ev.id, [...(expected.get(ev.id) ?? []), TIMELINE[ev.type]]);
    const h = hub;
    const atHub = await waitFor('every event at the hub', async () => {
      const m = new Map((await incidentsAt(h)).map((i) => [i.id, i]));
      const complete = [...expected].every(([id, types]) => m.get(id)?.timeline.length === types.length);
      return complete ? m : null;
    }, 30_000);
    expect(atHub.size).toBe(expected.size);
    for (const [id, types] of expected) {
      // One timeline entry per (id, seq): nothing missing, nothing twice.
      expect(atHub.get(id)?.timeline.map((t) => t.type)).toEqual(types);
    }
  }, 120_000);
});
