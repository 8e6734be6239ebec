/**
 * `anyu hub` flags, config validation, demo seeding and first-run bootstrap, and the
 * `startHub` path that `npm start` takes: a demo edge using the saved credentials gets an
 * incident to the demo supervisor.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import mqtt from 'mqtt';
import { edgeClientId, topics } from '../../protocol/index.ts';
import { verifyPassword } from '../../hub/auth/passwords.ts';
import { parseHubArgs, run, startHub, UsageError } from '../../hub/cli.ts';
import { parseHubConfig } from '../../hub/config.ts';
import { bootstrapAdmin, DEMO, DemoCredentials, seedDemo } from '../../hub/seed.ts';
import { createStore } from '../../hub/store/index.ts';
import { incidentEvent } from './hub-helpers.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'anyu-cli-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('anyu hub flags', () => {
  it('works with no options', () => {
    const { build, seedDemo: seed } = parseHubArgs([], {});
    expect(build).toMatchObject({ dataDir: './data', http: { port: 8080 }, mqtt: { embedded: { port: 1884 } } });
    expect(seed).toBe(false);
  });

  it('reads every documented flag', () => {
    const { build, seedDemo: seed } = parseHubArgs(
      ['--data', '/tmp/x', '--http-port', '9000', '--mqtt-url', 'mqtt://127.0.0.1:1883', '--mqtt-share', 'hubs', '--database-url', 'postgres://u@h/db', '--seed-demo'],
      {},
    );
    expect(build).toMatchObject({ dataDir: '/tmp/x', http: { port: 9000 }, mqtt: { url: 'mqtt://127.0.0.1:1883', share: 'hubs' }, databaseUrl: 'postgres://u@h/db' });
    expect(seed).toBe(true);
  });

  it.each([
    [['--bogus']],
    [['--http-port', 'eighty']],
    [['--mqtt-port', '70000']],
    [['--mqtt-url', 'mqtt://h:1', '--mqtt-port', '1884']],
    [['--mqtt-share', 'hubs']],
    [['stray-positional']],
    [['--mqtt-url', 'http://not-mqtt']],
    [['--database-url', 'mysql://x']],
    [['--mqtt-client-id', 'has spaces']],
  ])('refuses %j with a usage error and exit code 2', async (args) => {
    expect(() => parseHubArgs(args, {})).toThrow(UsageError);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await run(args)).toBe(2);
    expect(String(err.mock.calls[0]?.[0])).toContain('usage: anyu hub');
  });

  it('prints help with exit code 0', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await run(['--help'])).toBe(0);
    expect(String(out.mock.calls[0]?.[0])).toContain('--mqtt-url');
  });

  it('validates config with a clear message per field', () => {
    expect(() => parseHubConfig({ http: { port: -1 }, mqtt: { url: 'http://x' }, databaseUrl: 'mysql://x' })).toThrow(
      /http\.port[\s\S]*mqtt[\s\S]*databaseUrl/,
    );
  });
});

describe('seeding and bootstrap', () => {
  it('seeds the demo once, saves credentials 0600, and keeps them on a second run', async () => {
    const dir = tempDir();
    const store = await createStore({ sqlitePath: join(dir, 'anyu.db') });
    try {
      const lines: string[] = [];
      const first = await seedDemo(store, { dataDir: dir, log: (l) => lines.push(l) });
      const file = join(dir, 'demo-credentials.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(DemoCredentials.parse(JSON.parse(readFileSync(file, 'utf8')))).toEqual(first);
      expect(lines.join('\n')).toContain('supervisor');

      const institutions = await store.listInstitutions({ kind: 'all' });
      expect(institutions).toEqual([{ ...DEMO.institution }]);
      expect(await store.listRooms({ kind: 'all' })).toMatchObject([{ id: 'room-1', classType: 'toddler_small', capacity: 15 }]);
      expect(await store.listCameras({ kind: 'all' })).toMatchObject([{ id: 'cam-1', roomId: 'room-1', edgeId: 'demo-edge' }]);
      const edge = await store.getEdge('demo-edge');
      expect(await verifyPassword(first.edge.password, edge!.passwordHash)).toBe(true);
      for (const u of DEMO.users) {
        const stored = await store.getUserByUsername(u.username);
        expect(stored).toMatchObject({ role: u.role, institutionId: u.institutionId, regionId: u.regionId });
        expect(await verifyPassword(first.users[u.username]!, stored!.passwordHash)).toBe(true);
      }

      const second = await seedDemo(store, { dataDir: dir, log: () => undefined });
      expect(second).toEqual(first);
    } finally {
      await store.close();
    }
  });

  it('uses ANYU_DEMO_PASSWORD for the demo users when given', async () => {
    const dir = tempDir();
    const store = await createStore({ sqlitePath: join(dir, 'anyu.db') });
    try {
      const creds = await seedDemo(store, { dataDir: dir, password: 'demo-password-1', log: () => undefined });
      expect(creds.users.admin).toBe('demo-password-1');
      const admin = await store.getUserByUsername('admin');
      expect(await verifyPassword('demo-password-1', admin!.passwordHash)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('bootstraps the first admin once', async () => {
    const dir = tempDir();
    const store = await createStore({ sqlitePath: join(dir, 'anyu.db') });
    try {
      const lines: string[] = [];
      expect(await bootstrapAdmin(store, { institutionId: 'main', log: (l) => lines.push(l) })).toEqual({ created: true });
      const password = /one-time password (\S+)/.exec(lines[0]!)?.[1];
      const admin = await store.getUserByUsername('admin');
      expect(admin).toMatchObject({ role: 'institution_admin', institutionId: 'main' });
      expect(await verifyPassword(password!, admin!.passwordHash)).toBe(true);
      expect(await bootstrapAdmin(store, { institutionId: 'main', password: 'another-password' })).toEqual({ created: false });
    } finally {
      await store.close();
    }
  });
});

describe('startHub (the npm start path)', () => {
  it('serves, and a demo edge using the saved credentials reaches the demo supervisor', async () => {
    const dir = tempDir();
    const { hub, url, demo } = await startHub(
      { dataDir: dir, logger: false, http: { port: 0, host: '127.0.0.1' }, mqtt: { embedded: { port: 0, host: '127.0.0.1' } }, mqttClientId: 'cli-test-hub' },
      { seedDemo: true, log: () => undefined },
    );
    try {
      expect(((await (await fetch(`${url}/api/health`)).json()) as { status: string }).status).toBe('ok');
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'supervisor', password: demo!.users.supervisor }),
      });
      const { token } = (await login.json()) as { token: string };
      const edge = await mqtt.connectAsync(hub.mqttUrl, { clientId: edgeClientId(demo!.edge.id), username: demo!.edge.id, password: demo!.edge.password, reconnectPeriod: 0 });
      const ev = incidentEvent({ institutionId: 'demo', edgeId: 'demo-edge', cameraId: 'cam-1' });
      await edge.publishAsync(topics.incident('demo', 'demo-edge'), JSON.stringify(ev), { qos: 1 });
      await edge.endAsync();
      let status = 0;
      for (let i = 0; i < 200 && status !== 200; i++) {
        status = (await fetch(`${url}/api/incidents/${ev.id}`, { headers: { authorization: `Bearer ${token}` } })).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 25));
      }
      expect(status).toBe(200);
    } finally {
      await hub.close();
    }
  });
});
