/**
 * The MQTT broker is stopped for 30 s while the edge keeps producing incidents; when it
 * is back, every incident event reaches the real hub, each once, in order. Two shapes:
 * - the hub's embedded broker (default install): the whole hub stops and starts again on
 *   the same port and SQLite file (its broker refuses edges until ingest has subscribed);
 * - an external Mosquitto with on-disk persistence (district install), the hub being its
 *   client: only the broker restarts, sessions and queued messages survive.
 * Events come from a rule engine driven by the agent's tick, made by the same
 * IncidentLifecycle real rules use; capture runs on real footage meanwhile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/app.ts';
import type { IncidentEvent } from '../../protocol/index.ts';
import type { RuleEngine } from '../../edge/types.ts';
import { HAVE_VTEST, vtest } from './footage.ts';
import { edgeConfig, incidentsAt, registerEdge, startHub, waitFor } from './harness.ts';
import { MOSQUITTO, mosquitto } from './mosquitto.ts';
import { freePort } from './rtsp.ts';

const EDGE = 'edge-outage';
const TIMELINE: Record<IncidentEvent['type'], string> = { open: 'opened', update: 'updated', resolved: 'resolved' };

if (!MOSQUITTO) console.warn('tests/edge/broker-outage: mosquitto binary not installed; the external-broker case skips');

/** How a scenario brings its broker (and hub) up and down. */
interface Setup {
  /** Starts broker and hub; returns the hub and the URL edges use. */
  up(): Promise<{ hub: Hub; url: string }>;
  /** Stops the broker (and the hub, when it embeds the broker). */
  down(): Promise<void>;
  /** Starts again what `down` stopped; returns the hub now serving. */
  back(): Promise<Hub>;
  close(): Promise<void>;
}

async function outage(setup: Setup, dir: string, track: (a: Agent) => void): Promise<void> {
  const { hub: first, url } = await setup.up();
  let hub = first;
  await registerEdge(hub, EDGE, ['cam-1']);
  const produced: IncidentEvent[] = [];
  let producing = true;
  const agent = createAgent({
    config: edgeConfig(dir, {
      hub: { url, edgeId: EDGE, statusIntervalSeconds: 2 },
      outboxDir: join(dir, 'outbox'),
      health: { backoffInitialSeconds: 0.5, backoffMaxSeconds: 5, tamper: { enabled: false } },
      cameras: [{ id: 'cam-1', source: vtest(), fps: 2, width: 64, height: 48 }],
    }),
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
  track(agent);
  agent.start();
  await waitFor('first incidents at the hub', async () => (await incidentsAt(hub)).length >= 2, 15_000);

  await setup.down();
  const before = produced.length;
  await new Promise((r) => setTimeout(r, 30_000));
  expect(produced.length - before).toBeGreaterThanOrEqual(30);
  expect(agent.publisher.stats().connected).toBe(false);

  hub = await setup.back();
  await registerEdge(hub, EDGE, ['cam-1']);
  producing = false;
  await waitFor('outbox drained', () => agent.publisher.stats().outboxSize === 0, 40_000);

  const expected = new Map<string, string[]>();
  for (const ev of produced) expected.set(ev.id, [...(expected.get(ev.id) ?? []), TIMELINE[ev.type]]);
  const atHub = await waitFor('every event at the hub', async () => {
    const m = new Map((await incidentsAt(hub)).map((i) => [i.id, i]));
    return [...expected].every(([id, types]) => m.get(id)?.timeline.length === types.length) ? m : null;
  }, 30_000);
  expect(atHub.size).toBe(expected.size);
  for (const [id, types] of expected) {
    // One timeline entry per (id, seq): nothing missing, nothing twice.
    expect(atHub.get(id)?.timeline.map((t) => t.type)).toEqual(types);
  }
}

describe.skipIf(!HAVE_VTEST)('broker outage of 30 s', () => {
  const dirs: string[] = [];
  const agents: Agent[] = [];
  const setups: Setup[] = [];
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop();
    for (const s of setups.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'anyu-edge-outage-'));
    dirs.push(d);
    return d;
  };

  it('embedded broker (hub restarted on the same port and store): every incident arrives once', async () => {
    const dir = newDir();
    let hub: Hub | null = null;
    let port = 0;
    const setup: Setup = {
      up: async () => {
        hub = await startHub(join(dir, 'hub'));
        port = hub.broker!.port;
        return { hub, url: hub.mqttUrl };
      },
      down: async () => {
        await hub?.close();
        hub = null;
      },
      back: async () => {
        hub = await startHub(join(dir, 'hub'), port);
        return hub;
      },
      close: async () => {
        await hub?.close();
      },
    };
    setups.push(setup);
    await outage(setup, dir, (a) => agents.push(a));
  }, 120_000);

  it.skipIf(!MOSQUITTO)('external Mosquitto restarted (hub as its client): every incident arrives once', async () => {
    const dir = newDir();
    const broker = mosquitto(dir, await freePort());
    let hub: Hub | null = null;
    const setup: Setup = {
      up: async () => {
        await broker.start();
        hub = await startHub(join(dir, 'hub'), broker.url);
        return { hub, url: broker.url };
      },
      down: () => broker.stop(),
      back: async () => {
        await broker.start();
        return hub!;
      },
      close: async () => {
        await hub?.close();
        await broker.stop();
      },
    };
    setups.push(setup);
    await outage(setup, dir, (a) => agents.push(a));
  }, 120_000);
});
