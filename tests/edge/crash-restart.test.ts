/**
 * `anyu edge` as a child process, killed with SIGKILL while its incidents are still in
 * the outbox (the hub is down): after the hub comes up and the edge restarts, each of
 * those events arrives exactly once, counted by (id, seq) by a raw MQTT subscriber on
 * the hub's broker and in the hub's timeline.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveFfmpegPath } from '../../edge/capture/index.ts';
import type { Hub } from '../../hub/app.ts';
import { topics } from '../../protocol/index.ts';
import { EDGE_PASSWORD, INSTITUTION, incidentsAt, registerEdge, startHub, waitFor } from './harness.ts';
import { freePort } from './rtsp.ts';

const EDGE = 'edge-crash';
const ROOT = join(import.meta.dirname, '..', '..');

function startEdge(configFile: string): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'anyu.mjs'), 'edge', '--config', configFile, '--no-vision'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => void (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => void (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, output: () => out, exited };
}

function outboxIncidents(file: string): string[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT payload FROM outbox WHERE topic LIKE '%/incident' ORDER BY id").all() as { payload: Buffer }[];
    return rows.map((r) => {
      const ev = JSON.parse(r.payload.toString()) as { id: string; seq: number };
      return `${ev.id}#${ev.seq}`;
    });
  } finally {
    db.close();
  }
}

describe('edge crash and restart (SIGKILL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anyu-edge-crash-'));
  const children: ChildProcess[] = [];
  let hub: Hub | null = null;

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('events left unsent at SIGKILL arrive exactly once after restart', async () => {
    const black = join(dir, 'black.avi');
    execFileSync(resolveFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=black:s=160x90:r=5:d=4', '-c:v', 'mjpeg', black]);
    const mqttPort = await freePort();
    const deadPort = await freePort();
    const configFile = join(dir, 'edge.yaml');
    writeFileSync(configFile, `
hub:
  url: mqtt://127.0.0.1:${mqttPort}
  institutionId: ${INSTITUTION}
  edgeId: ${EDGE}
  username: ${EDGE}
  password: ${EDGE_PASSWORD}
  statusIntervalSeconds: 2
outboxDir: ./outbox
health:
  offlineAfterSeconds: 2
  backoffInitialSeconds: 0.5
  backoffMaxSeconds: 2
  tamper: { onSeconds: 1, offSeconds: 1 }
cameras:
  - { id: cam-black, source: black.avi, fps: 5, width: 160, height: 90 }
  - { id: cam-dead, source: 'rtsp://127.0.0.1:${deadPort}/none', fps: 5, width: 160, height: 90 }
`);
    const outboxFile = join(dir, 'outbox', 'outbox.sqlite');

    // 1. No hub yet: the edge raises tamper (black view) and offline (dead camera) incidents
    //    that can only go to its outbox; then it is killed without warning.
    const first = startEdge(configFile);
    children.push(first.proc);
    const pending = await waitFor('two incidents in the outbox', () => {
      const ids = outboxIncidents(outboxFile);
      return ids.length >= 2 ? ids : null;
    }, 30_000);
    first.proc.kill('SIGKILL');
    await first.exited;
    const unsent = outboxIncidents(outboxFile);
    expect(unsent.length).toBeGreaterThanOrEqual(pending.length);

    // 2. The hub comes up; a raw subscriber counts every arrival by (id, seq).
    hub = await startHub(join(dir, 'hub'), mqttPort);
    await registerEdge(hub, EDGE, ['cam-black', 'cam-dead']);
    const arrivals = new Map<string, number>();
    // A server-side aedes subscription counts what the broker passed on (after ingest).
    hub.broker!.aedes.subscribe(topics.incident(INSTITUTION, EDGE), (packet, cb) => {
      const ev = JSON.parse(packet.payload.toString()) as { id: string; seq: number };
      const key = `${ev.id}#${ev.seq}`;
      arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
      cb();
    }, () => undefined);

    // 3. The edge restarts on the same outbox and delivers what it had.
    const second = startEdge(configFile);
    children.push(second.proc);
    await waitFor('unsent events delivered', () => unsent.every((k) => arrivals.has(k)), 30_000);
    await waitFor('outbox emptied of them', () => {
      const left = new Set(outboxIncidents(outboxFile));
      return unsent.every((k) => !left.has(k));
    }, 10_000);
    // Leave time for any duplicate to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));
    for (const k of unsent) expect(arrivals.get(k), k).toBe(1);

    const atHub = await incidentsAt(hub);
    const ids = new Set(unsent.map((k) => k.split('#')[0]));
    for (const id of ids) {
      const inc = atHub.find((i) => i.id === id);
      expect(inc, id).toBeDefined();
      const seqs = unsent.filter((k) => k.startsWith(`${id}#`)).length;
      expect(inc!.timeline.filter((t) => t.type !== 'acknowledged').length).toBeGreaterThanOrEqual(seqs);
    }
    const tamper = atHub.find((i) => ids.has(i.id) && i.kind === 'camera_tamper');
    expect(tamper?.hasSnapshot).toBe(true);
    // The restarted edge resolves what the killed one left open (its rules start afresh).
    const h = hub;
    await waitFor('leftover incidents resolved', async () => {
      const now = await incidentsAt(h);
      return [...ids].every((id) => now.find((i) => i.id === id)?.active === false);
    }, 10_000);

    // 4. SIGTERM stops the edge cleanly (exit 0); the global teardown checks no ffmpeg is left.
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
