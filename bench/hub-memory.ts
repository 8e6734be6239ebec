/**
 * Resident memory of a hub holding the status of many cameras. The hub runs alone in a
 * child process (hub-memory-child.ts, embedded broker + SQLite) with E edges seeded; this
 * process opens one MQTT connection per edge, with that edge's own credentials (the
 * broker's ACL confines each edge to its own topics, so one connection cannot speak for
 * several), each with its Last Will, and every `periodS` publishes a retained `EdgeStatus`
 * of C cameras, as live edges do. RSS is read inside the child after a full GC: before
 * any edge connects, once all are connected, and after each status round.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { SCHEMA_VERSION, edgeClientId, topics, type EdgeStatus } from '../protocol/index.ts';
import type { ChildReply } from './hub-memory-child.ts';
import { median } from './stats.ts';

export interface MemoryResult {
  edges: number;
  cameras: number;
  rounds: number;
  /** Median RSS (bytes) of three samples each. */
  rssBefore: number;
  rssConnected: number;
  rssWithStatus: number;
  heapWithStatus: number;
  statusesApplied: number;
  connectS: number;
}

function status(edge: { id: string; institutionId: string }, cameras: number, state: 'online' | 'offline'): EdgeStatus {
  const at = new Date().toISOString();
  return {
    schema: SCHEMA_VERSION,
    institutionId: edge.institutionId,
    edgeId: edge.id,
    state,
    version: 'bench',
    at,
    uptimeS: 60,
    backend: 'wasm',
    cameras:
      state === 'offline'
        ? []
        : Array.from({ length: cameras }, (_, c) => ({
            id: `${edge.id}-cam-${c}`,
            state: 'online' as const,
            expectedFps: 5,
            deliveredFps: 5,
            analysedFps: 4.9,
            droppedFrames: 1,
            reconnectsLastHour: 0,
            stallsLastHour: 0,
            lastFrameAt: at,
          })),
  };
}

export async function measureHubMemory(opts: {
  institutions: number;
  edgesPerInstitution: number;
  camerasPerEdge: number;
  rounds: number;
  periodS: number;
  log: (m: string) => void;
}): Promise<MemoryResult> {
  const child = fork('bin/run-ts.mjs', ['bench/hub-memory-child.ts', String(opts.institutions), String(opts.edgesPerInstitution)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const replies: ChildReply[] = [];
  let wake: () => void = () => undefined;
  child.on('message', (m: ChildReply) => {
    replies.push(m);
    wake();
  });
  const next = async <T extends ChildReply['type']>(type: T): Promise<Extract<ChildReply, { type: T }>> => {
    for (;;) {
      const i = replies.findIndex((r) => r.type === type);
      if (i >= 0) return replies.splice(i, 1)[0] as Extract<ChildReply, { type: T }>;
      const waiting = new Promise<void>((resolve) => (wake = resolve));
      await Promise.race([waiting, exited.then(() => Promise.reject(new Error('hub-memory-child exited early')))]);
    }
  };
  const sample = async () => {
    child.send({ type: 'rss' });
    return next('rss');
  };
  const sample3 = async () => {
    const xs = [];
    for (let i = 0; i < 3; i++) {
      xs.push(await sample());
      await new Promise((r) => setTimeout(r, 200));
    }
    return { rss: median(xs.map((x) => x.rss)), heapUsed: median(xs.map((x) => x.heapUsed)), statuses: xs.at(-1)!.statuses };
  };
  const clients = new Map<string, mqtt.MqttClient>();
  try {
    const ready = await next('ready');
    const before = await sample3();
    opts.log(`memory: connecting ${ready.edges.length} edges (one MQTT login each)…`);
    const t0 = performance.now();
    // A few logins at a time: each costs the hub one scrypt verification.
    const queue = [...ready.edges];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let edge = queue.shift(); edge; edge = queue.shift()) {
          const topic = topics.status(edge.institutionId, edge.id);
          clients.set(
            edge.id,
            await mqtt.connectAsync(ready.mqttUrl, {
              clientId: edgeClientId(edge.id, randomBytes(2).toString('hex')),
              username: edge.id,
              password: ready.password,
              reconnectPeriod: 0,
              will: { topic, payload: Buffer.from(JSON.stringify(status(edge, 0, 'offline'))), qos: 1, retain: true },
            }),
          );
        }
      }),
    );
    const connectS = (performance.now() - t0) / 1000;
    const connected = await sample3();
    const withStatus: { rss: number; heapUsed: number }[] = [];
    let statuses = 0;
    for (let round = 0; round < opts.rounds; round++) {
      const started = performance.now();
      await Promise.all(
        ready.edges.map((edge) =>
          clients.get(edge.id)!.publishAsync(topics.status(edge.institutionId, edge.id), JSON.stringify(status(edge, opts.camerasPerEdge, 'online')), { qos: 1, retain: true }),
        ),
      );
      const want = (round + 1) * ready.edges.length;
      let s = await sample();
      const deadline = performance.now() + 60_000;
      while (s.statuses < want) {
        if (performance.now() > deadline) throw new Error(`memory: only ${s.statuses}/${want} statuses stored after 60 s`);
        await new Promise((r) => setTimeout(r, 100));
        s = await sample();
      }
      statuses = s.statuses;
      withStatus.push(s);
      opts.log(`memory: round ${round + 1}/${opts.rounds} stored, rss ${(s.rss / 2 ** 20).toFixed(1)} MiB`);
      const wait = started + opts.periodS * 1000 - performance.now();
      if (round < opts.rounds - 1 && wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return {
      edges: ready.edges.length,
      cameras: ready.edges.length * opts.camerasPerEdge,
      rounds: opts.rounds,
      rssBefore: before.rss,
      rssConnected: connected.rss,
      rssWithStatus: median(withStatus.map((x) => x.rss)),
      heapWithStatus: median(withStatus.map((x) => x.heapUsed)),
      statusesApplied: statuses,
      connectS,
    };
  } finally {
    await Promise.all([...clients.values()].map((c) => c.endAsync(true)));
    if (child.connected) child.send({ type: 'close' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
