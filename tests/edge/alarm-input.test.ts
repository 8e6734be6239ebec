/**
 * One-button alarm from an edge input: a press on the agent's local endpoint (or through
 * `anyu edge alarm`) reaches the real hub as a critical `alarm` incident through the
 * outbox and the embedded broker (which stores it before its PUBACK), and rings every
 * supervisor's wall of the institution; wrong tokens, unknown inputs and other methods are refused; a config that opens
 * the endpoint beyond loopback without a token is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../edge/agent.ts';
import { pressAlarm, startAlarmServer, type AlarmServer } from '../../edge/alarm-input.ts';
import { run } from '../../edge/cli/edge.ts';
import { ConfigError, parseConfig } from '../../edge/config/index.ts';
import type { Hub } from '../../hub/app.ts';
import { hashPassword } from '../../hub/auth/passwords.ts';
import { collectIncidents, connectLive, type LiveSocket } from '../hub/hub-helpers.ts';
import { EDGE_PASSWORD, INSTITUTION, edgeConfig, incidentsAt, registerEdge, startHub, waitFor } from './harness.ts';

const TOKEN = 'button-daemon-secret-1';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('one-button alarm from an edge input', () => {
  let dir: string;
  let hub: Hub;
  let agent: Agent;
  let server: AlarmServer;
  let port: number;
  let configFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anyu-alarm-input-'));
    hub = await startHub(dir);
    await registerEdge(hub, 'edge-alarm', ['cam-1']);
    port = await freePort();
    const input = {
      hub: { url: hub.mqttUrl, edgeId: 'edge-alarm' },
      outboxDir: join(dir, 'outbox'),
      cameras: [{ id: 'cam-1', source: 'rtsp://127.0.0.1:1/none', zones: [{ id: 'room-1', name: '托小班', type: 'room' as const, polygon: [[0, 0], [1, 0], [1, 1]] as [number, number][] }] }],
      alarm: { http: { host: '127.0.0.1', port, token: TOKEN }, inputs: [{ id: 'button-1', cameraId: 'cam-1', zoneId: 'room-1' }, { id: 'pendant' }] },
    };
    const config = edgeConfig(dir, input);
    configFile = join(dir, 'edge.json');
    writeFileSync(configFile, JSON.stringify({ ...input, hub: { ...input.hub, institutionId: INSTITUTION, username: 'edge-alarm', password: EDGE_PASSWORD } }));
    // No camera frames are needed: the alarm does not come from vision.
    agent = createAgent({ config, capture: async function* () {}, log: () => undefined });
    server = await startAlarmServer({ http: config.alarm!.http, raise: (id) => agent.raiseAlarm(id)?.id ?? null });
  });

  afterAll(async () => {
    await server?.close();
    await agent?.stop();
    await hub?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a press as a critical alarm incident with its input, room and camera', async () => {
    const res = await pressAlarm({ host: '127.0.0.1', port, token: TOKEN }, 'button-1');
    expect(res.status).toBe(202);
    const id = String(res.body.incident);
    const incident = await waitFor('the alarm at the hub', async () => (await incidentsAt(hub)).find((i) => i.id === id), 10_000);
    expect(incident).toMatchObject({ kind: 'alarm', severity: 'critical', status: 'new', cameraId: 'cam-1', zoneId: 'room-1', zoneName: '托小班', evidence: { input: 'button-1' } });
    expect(incident.timeline.map((e) => e.type)).toEqual(['opened', 'resolved']);
  });

  it('takes a press from `anyu edge alarm`, even from an input no camera watches', async () => {
    expect(await run(['alarm', '--config', configFile, '--input', 'pendant'])).toBe(0);
    const incident = await waitFor('the pendant alarm', async () => (await incidentsAt(hub)).find((i) => i.evidence.input === 'pendant'), 10_000);
    expect(incident).toMatchObject({ kind: 'alarm', cameraId: null });
    expect(await run(['alarm', '--config', configFile, '--input', 'no-such-button'])).toBe(1);
  });

  it('refuses a wrong or missing token, an unknown input and anything but POST', async () => {
    expect((await pressAlarm({ host: '127.0.0.1', port, token: 'wrong-token-wrong-token' }, 'button-1')).status).toBe(401);
    expect((await pressAlarm({ host: '127.0.0.1', port }, 'button-1')).status).toBe(401);
    expect((await pressAlarm({ host: '127.0.0.1', port, token: TOKEN }, 'nope')).status).toBe(404);
    const get = await fetch(`http://127.0.0.1:${port}/alarm/button-1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    const before = (await incidentsAt(hub)).filter((i) => i.kind === 'alarm').length;
    expect(before).toBe(2);
  });

  it("rings every supervisor's wall of the institution: edge outbox → embedded broker (stored before the PUBACK) → live push", async () => {
    const url = await hub.listen();
    await hub.store.upsertRoom({ id: 'room-1', institutionId: INSTITUTION, name: '托小班', type: 'room', classType: null, capacity: null, polygon: null });
    const sockets: LiveSocket[] = [];
    try {
      for (const name of ['sup-wall-1', 'sup-wall-2']) {
        await hub.store.createUser({ username: name, displayName: name, role: 'supervisor', institutionId: INSTITUTION, regionId: null, passwordHash: await hashPassword('supervisor-pw-1') });
        const res = await hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: name, password: 'supervisor-pw-1' } });
        sockets.push(await connectLive(url, (res.json() as { token: string }).token));
      }
      const walls = sockets.map(collectIncidents);
      const press = await pressAlarm({ host: '127.0.0.1', port, token: TOKEN }, 'button-1');
      expect(press.status).toBe(202);
      const id = String(press.body.incident);
      for (const [n, wall] of walls.entries()) {
        const rung = await waitFor(`the alarm on supervisor ${n + 1}'s wall`, () => wall.find((v) => v.id === id), 10_000, 25);
        expect(rung).toMatchObject({ kind: 'alarm', severity: 'critical', status: 'new', roomId: 'room-1', evidence: { input: 'button-1' } });
      }
      // The hub has no MQTT client of its own in embedded mode: the broker's hook stored it.
      expect(hub.broker).not.toBeNull();
      expect((await incidentsAt(hub)).some((i) => i.id === id)).toBe(true);
    } finally {
      for (const s of sockets) s.disconnect();
    }
  });

  it('refuses a config that opens the endpoint beyond loopback without a token, or names an unknown camera', () => {
    const base = { hub: { url: 'mqtt://h', institutionId: 'i', edgeId: 'e' }, cameras: [{ id: 'cam-1', source: 'rtsp://x/1' }] };
    expect(() => parseConfig({ ...base, alarm: { http: { host: '0.0.0.0' }, inputs: [{ id: 'b' }] } }, dir)).toThrow(/alarm\.http\.token: a token is required/);
    expect(() => parseConfig({ ...base, alarm: { inputs: [{ id: 'b', cameraId: 'cam-9' }] } }, dir)).toThrow(ConfigError);
    expect(parseConfig({ ...base, alarm: { inputs: [{ id: 'b' }] } }, dir).alarm?.http).toEqual({ host: '127.0.0.1', port: 9410 });
  });
});
