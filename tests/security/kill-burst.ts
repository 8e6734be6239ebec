/**
 * Kill -9 of the hub in the middle of a burst, at several points, and count: every
 * incident the broker acknowledged to the edge must end up stored exactly once. The edge
 * is a plain mqtt.js client that keeps what was not acknowledged, as the real edge's
 * outbox does, and sends it again after the hub is back.
 *
 * Used by tests/security/kill-burst.test.ts, which prints the table of each run
 * (`npx vitest run tests/security/kill-burst.test.ts`, with DATABASE_URL for PostgreSQL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { edgeClientId, topics, type IncidentEvent } from '../../protocol/index.ts';
import { incidentEvent, rid, type Tenant } from '../hub/hub-helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface HubProcess {
  proc: ChildProcess;
  mqttUrl: string;
  exited: Promise<number | null>;
}

export async function startHubProcess(options: object): Promise<HubProcess> {
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'run-ts.mjs'), join(ROOT, 'tests', 'security', 'hub-child.ts'), JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const mqttUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      // The hub's own log lines (warnings and up) pass through.
      if (out.includes('ready ')) process.stderr.write(d);
      out += d.toString();
      const ready = /ready (\S+)/.exec(out);
      if (ready) resolve(ready[1]!);
      const failed = /failed (.*)/.exec(out);
      if (failed) reject(new Error(failed[1]));
    });
    void exited.then((code) => reject(new Error(`hub process exited (${code}) before it was ready: ${out}`)));
  });
  return { proc, mqttUrl, exited };
}

export async function kill9(hub: HubProcess): Promise<void> {
  hub.proc.kill('SIGKILL');
  await hub.exited;
}

/** The edge side: publishes, remembers what was acknowledged, resends the rest on demand. */
export class BurstEdge {
  readonly acked = new Set<string>();
  readonly unacked = new Map<string, IncidentEvent>();
  #client: MqttClient | null = null;

  constructor(
    private readonly tenant: Tenant,
    private readonly url: () => string,
  ) {}

  async connect(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        this.#client = await mqtt.connectAsync(this.url(), {
          clientId: edgeClientId(this.tenant.edgeId),
          username: this.tenant.edgeId,
          password: this.tenant.edgePassword,
          clean: true,
          reconnectPeriod: 0,
          connectTimeout: 5_000,
        });
        this.#client.on('error', () => undefined);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Publishes every event at once (far faster than ingest); resolves when all were handed to the socket. */
  publish(events: IncidentEvent[]): void {
    const client = this.#client!;
    const topic = topics.incident(this.tenant.institutionId, this.tenant.edgeId);
    for (const ev of events) {
      this.unacked.set(ev.id, ev);
      client.publish(topic, JSON.stringify(ev), { qos: 1 }, (err) => {
        if (err) return;
        this.acked.add(ev.id);
        this.unacked.delete(ev.id);
      });
    }
  }

  async waitAcked(n: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.acked.size < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.acked.size} of ${n} acknowledged`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** After the link died: what the edge still holds is sent again on a new connection. */
  async resend(): Promise<number> {
    const pending = [...this.unacked.values()];
    this.publish(pending);
    return pending.length;
  }

  async drop(): Promise<void> {
    await this.#client?.endAsync(true);
    this.#client = null;
  }
}

export function burstEvents(t: Tenant, n: number, label: string): IncidentEvent[] {
  return Array.from({ length: n }, (_, i) => incidentEvent(t, { id: `${label}-${i}-${rid('b')}` }));
}

export interface KillRow {
  point: number;
  /** Acknowledged to the edge (this burst) when the hub was killed. */
  acked: number;
  /** Of those, not in the store right after the kill. */
  lost: number;
}

export interface KillRun {
  rows: KillRow[];
  published: number;
  stored: number;
  /** Incidents with more than one stored event (the same (id, seq) stored twice). */
  duplicated: number;
}

export interface KillScenario {
  tenant: Tenant;
  start(): Promise<HubProcess>;
  /** incident id → number of stored events, read while the hub is dead. */
  stored(): Promise<Map<string, number>>;
  /** When to kill in a burst of `n`: resolves at the kill point `k` of `points`. */
  killPoint(edge: BurstEdge, before: number, n: number, k: number, points: number): Promise<void>;
}

/** Runs `points` bursts of `n` incidents; the hub is killed once inside each. */
export async function runKillPoints(s: KillScenario, n: number, points: number): Promise<KillRun> {
  let hub = await s.start();
  const edge = new BurstEdge(s.tenant, () => hub.mqttUrl);
  await edge.connect();
  const rows: KillRow[] = [];
  try {
    for (let k = 1; k <= points; k++) {
      const before = new Set(edge.acked);
      edge.publish(burstEvents(s.tenant, n, `k${k}`));
      await s.killPoint(edge, before.size, n, k, points);
      await kill9(hub);
      await edge.drop();
      const acked = [...edge.acked].filter((id) => !before.has(id));
      const stored = await s.stored();
      rows.push({ point: k, acked: acked.length, lost: acked.filter((id) => !stored.has(id)).length });
      hub = await s.start();
      await edge.connect();
      await edge.resend();
      await edge.waitAcked(k * n, 120_000);
    }
  } finally {
    await edge.drop();
    await kill9(hub);
  }
  const stored = await s.stored();
  return {
    rows,
    published: n * points,
    stored: stored.size,
    duplicated: [...stored.values()].filter((c) => c > 1).length,
  };
}
