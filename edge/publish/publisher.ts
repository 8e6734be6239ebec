/**
 * MQTT delivery for one edge: a stable client id with `clean: false`, our own capped
 * backoff with jitter instead of mqtt.js's fixed reconnect period, QoS1 incidents and
 * snapshots through the durable outbox, retained QoS1 status with an `offline` Last Will,
 * QoS0 telemetry that is never queued while disconnected.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { AttendanceEvent, EdgeConfigAck, IncidentEvent, edgeClientId, topics, type EdgeStatus } from '../../protocol/index.ts';
import type { HubConfig } from '../config/schema.ts';
import { createBackoff, type Backoff } from '../health/backoff.ts';
import { Outbox } from './outbox.ts';

export interface PublisherOptions {
  hub: HubConfig;
  outboxDir: string;
  /** The Last Will: the status the broker publishes when this edge vanishes. */
  willStatus: () => EdgeStatus;
  backoff?: { initialMs: number; maxMs: number };
  now?: () => number;
  log?: (msg: string) => void;
  /** Entries handed to mqtt.js at once. */
  window?: number;
}

export interface PublisherStats {
  connected: boolean;
  connects: number;
  outboxSize: number;
  sent: number;
  acked: number;
  telemetryDropped: number;
}

export interface Publisher {
  publishIncident(ev: IncidentEvent): void;
  /** Incidents whose last queued event was not `resolved` (left open by a previous run). */
  openIncidents(): IncidentEvent[];
  publishSnapshot(incidentId: string, jpeg: Uint8Array): void;
  publishStatus(status: EdgeStatus): void;
  /** Through the durable outbox, QoS 1, like incidents; validated (strict) before it is queued. */
  publishAttendance(ev: AttendanceEvent): void;
  /** Through the durable outbox, QoS 1. */
  publishConfigAck(ack: EdgeConfigAck): void;
  /**
   * Subscribes (QoS 1, on every connect) to this edge's own `…/config` topic; the broker's
   * retained message brings the latest version after a reconnect.
   */
  onConfig(handler: (payload: Buffer) => void): void;
  /** QoS0, dropped when not connected. */
  publishTelemetry(topic: string, payload: string | Buffer): void;
  stats(): PublisherStats;
  /** Resolves once every outbox entry present now has been acknowledged. */
  drained(): Promise<void>;
  /** Publishes `finalStatus` when connected, then disconnects; the outbox keeps the rest. */
  close(finalStatus?: EdgeStatus): Promise<void>;
}

function readTls(hub: HubConfig): Pick<IClientOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'> {
  const t = hub.tls;
  if (!t) return {};
  return {
    ...(t.ca ? { ca: readFileSync(t.ca) } : {}),
    ...(t.cert ? { cert: readFileSync(t.cert) } : {}),
    ...(t.key ? { key: readFileSync(t.key) } : {}),
    rejectUnauthorized: t.rejectUnauthorized,
  };
}

export function createPublisher(opts: PublisherOptions): Publisher {
  const { hub } = opts;
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const windowSize = opts.window ?? 32;
  const outbox = new Outbox({ dir: opts.outboxDir });
  const backoff: Backoff = createBackoff(opts.backoff ?? { initialMs: 1000, maxMs: 30_000 });
  const statusTopic = topics.status(hub.institutionId, hub.edgeId);
  let closing = false;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let pendingStatus: EdgeStatus | null = null;
  /** Highest outbox id handed to mqtt.js in this process. */
  let cursor = 0;
  const inflight = new Set<number>();
  const drainWaiters: { upTo: number; resolve: () => void }[] = [];
  const counters = { connects: 0, sent: 0, acked: 0, telemetryDropped: 0 };

  const client: MqttClient = mqtt.connect(hub.url, {
    clientId: edgeClientId(hub.edgeId),
    clean: false,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 15,
    queueQoSZero: false,
    ...(hub.username !== undefined ? { username: hub.username } : {}),
    ...(hub.password !== undefined ? { password: hub.password } : {}),
    ...readTls(hub),
    will: {
      topic: statusTopic,
      payload: Buffer.from(JSON.stringify(opts.willStatus())),
      qos: 1,
      retain: true,
    },
  });

  const scheduleReconnect = () => {
    if (closing || reconnectTimer) return;
    const delay = backoff.next();
    log(`mqtt: reconnecting in ${delay} ms`);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (!closing && !client.connected) client.reconnect();
    }, delay);
  };

  const settleDrains = () => {
    if (drainWaiters.length === 0) return;
    const first = outbox.after(0, 1)[0];
    for (let i = drainWaiters.length - 1; i >= 0; i--) {
      const w = drainWaiters[i]!;
      if (!first || first.id > w.upTo) {
        drainWaiters.splice(i, 1);
        w.resolve();
      }
    }
  };

  const pump = () => {
    if (!client.connected || closing) return;
    while (inflight.size < windowSize) {
      const batch = outbox.after(cursor, windowSize - inflight.size);
      if (batch.length === 0) break;
      for (const e of batch) {
        cursor = e.id;
        inflight.add(e.id);
        counters.sent += 1;
        client.publish(e.topic, e.payload, { qos: e.qos, retain: e.retain }, (err) => {
          inflight.delete(e.id);
          if (err) {
            // mqtt.js gave up on it (client ended): it stays in the outbox for the next run.
            if (!closing) {
              log(`mqtt: publish ${e.id} failed: ${err.message}`);
              cursor = Math.min(cursor, e.id - 1);
            }
            return;
          }
          outbox.remove(e.id);
          counters.acked += 1;
          settleDrains();
          pump();
        });
      }
    }
  };

  const configTopic = topics.config(hub.institutionId, hub.edgeId);
  const configHandlers: ((payload: Buffer) => void)[] = [];
  const subscribeConfig = () => {
    client.subscribe(configTopic, { qos: 1 }, (err) => {
      if (err && !closing) log(`mqtt: subscribing to ${configTopic} failed: ${err.message}`);
    });
  };
  client.on('message', (topic, payload) => {
    if (topic !== configTopic) return;
    for (const h of configHandlers) h(payload);
  });

  client.on('connect', () => {
    counters.connects += 1;
    if (configHandlers.length > 0) subscribeConfig();
    backoff.reset();
    log('mqtt: connected');
    if (pendingStatus) {
      const s = pendingStatus;
      pendingStatus = null;
      client.publish(statusTopic, JSON.stringify(s), { qos: 1, retain: true }, (err) => {
        if (err && !closing) log(`mqtt: status publish failed: ${err.message}`);
      });
    }
    pump();
  });
  client.on('close', () => {
    if (!closing) scheduleReconnect();
  });
  client.on('error', (err) => {
    log(`mqtt: ${err.message}`);
  });

  const enqueue = (topic: string, payload: Buffer) => {
    outbox.add(topic, payload, 1, false, now());
    pump();
  };

  return {
    publishIncident(ev) {
      outbox.addIncident(topics.incident(hub.institutionId, hub.edgeId), ev.id, ev.type, Buffer.from(JSON.stringify(ev)), now());
      pump();
    },
    openIncidents() {
      return outbox.openIncidents().flatMap((text) => {
        const parsed = IncidentEvent.safeParse(JSON.parse(text));
        if (parsed.success) return [parsed.data];
        log(`outbox: dropping an unreadable open incident: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        return [];
      });
    },
    publishSnapshot(incidentId, jpeg) {
      enqueue(topics.snapshot(hub.institutionId, hub.edgeId, incidentId), Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength));
    },
    publishAttendance(ev) {
      const parsed = AttendanceEvent.parse(ev);
      enqueue(topics.attendance(hub.institutionId, hub.edgeId), Buffer.from(JSON.stringify(parsed)));
    },
    publishConfigAck(ack) {
      const parsed = EdgeConfigAck.parse(ack);
      enqueue(topics.configAck(hub.institutionId, hub.edgeId), Buffer.from(JSON.stringify(parsed)));
    },
    onConfig(handler) {
      configHandlers.push(handler);
      if (configHandlers.length === 1 && client.connected) subscribeConfig();
    },
    publishStatus(status) {
      if (!client.connected) {
        // Only the latest status matters: keep one, send it on (re)connect.
        pendingStatus = status;
        return;
      }
      client.publish(statusTopic, JSON.stringify(status), { qos: 1, retain: true }, (err) => {
        if (err && !closing) log(`mqtt: status publish failed: ${err.message}`);
      });
    },
    publishTelemetry(topic, payload) {
      if (!client.connected) {
        counters.telemetryDropped += 1;
        return;
      }
      client.publish(topic, payload, { qos: 0 });
    },
    stats() {
      return { connected: client.connected, ...counters, outboxSize: outbox.size() };
    },
    drained() {
      const last = outbox.maxId();
      return new Promise<void>((resolve) => {
        drainWaiters.push({ upTo: last, resolve });
        settleDrains();
      });
    },
    async close(finalStatus) {
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      if (finalStatus && client.connected) {
        await client.publishAsync(statusTopic, JSON.stringify(finalStatus), { qos: 1, retain: true }).catch((err: Error) => {
          log(`mqtt: final status failed: ${err.message}`);
        });
      }
      closing = true;
      // A clean DISCONNECT keeps the broker from publishing the Last Will over the final
      // status; it waits for in-flight acks, so it is bounded, then the socket is dropped.
      const clean = client.connected ? client.endAsync(false) : Promise.resolve();
      const timedOut = await Promise.race([clean.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 2000).unref())]);
      if (timedOut || !client.connected) await client.endAsync(true);
      outbox.close();
      for (const w of drainWaiters.splice(0)) w.resolve();
    },
  };
}
