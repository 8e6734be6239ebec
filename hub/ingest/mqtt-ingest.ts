/**
 * The hub's MQTT client of an external broker (Mosquitto, EMQX): QoS1, stable client id,
 * `clean: false` so the broker keeps messages for a hub that restarts, optional MQTT v5
 * shared subscription for N hubs. `handleMessage` processes one message at a time and
 * PUBACKs only after the store has it, which also keeps an edge's events in publish order.
 *
 * The broker acknowledges an edge's message before the hub sees it, so what it keeps in
 * the hub's session is all that stands between an acknowledged incident and its loss.
 * Before subscribing, the hub checks that the broker keeps at least `queueCheck` queued
 * messages (queue-check.ts) and refuses to start otherwise; while running it watches
 * Mosquitto's `$SYS/broker/publish/messages/dropped` and says so loudly when it grows.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { FastifyBaseLogger } from 'fastify';
import { topics } from '../../protocol/index.ts';
import type { HubMetrics } from '../metrics.ts';
import type { IngestProcessor } from './process.ts';
import { BrokerCheckError, checkBrokerQueue } from './queue-check.ts';

/** How messages reach ingest: inside the embedded broker, or through the hub's client of an external one. */
export interface IngestLink {
  connected(): boolean;
  /** Resolves once nothing is in hand (at most a few seconds for an external broker). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Mosquitto's count of messages it dropped at its queue or in-flight limits (updated every sys_interval). */
export const MOSQUITTO_DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';

export interface MqttIngestOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  share?: string;
  /** Queued messages the broker must keep for an offline session; 0 skips the check. */
  queueCheck: number;
  process: IngestProcessor;
  logger: FastifyBaseLogger;
  metrics: HubMetrics;
  connectTimeoutMs?: number;
}

export interface MqttIngest extends IngestLink {
  readonly client: MqttClient;
  readonly subscription: string;
}

async function checkQueueOrRefuse(opts: MqttIngestOptions, log: FastifyBaseLogger): Promise<void> {
  if (opts.queueCheck === 0) {
    log.warn({ url: opts.url }, 'broker queue check skipped (--mqtt-queue-check 0): the broker may drop acknowledged incidents');
    return;
  }
  const started = Date.now();
  let result;
  try {
    result = await checkBrokerQueue({ url: opts.url, username: opts.username, password: opts.password, depth: opts.queueCheck, clientIdPrefix: opts.clientId });
  } catch (err) {
    if (err instanceof BrokerCheckError) throw err;
    throw new BrokerCheckError(`could not check the MQTT broker at ${opts.url}: ${(err as Error).message}`);
  }
  log.info({ ...result, ms: Date.now() - started }, 'broker queue check');
  if (result.kept < result.published) {
    throw new BrokerCheckError(
      `the MQTT broker at ${opts.url} kept only ${result.kept} of ${result.published} queued QoS1 messages for an offline session: ` +
        'it would drop incidents it already acknowledged to edges during a hub outage or a burst. ' +
        'On Mosquitto set max_queued_messages 0 (or above --mqtt-queue-check) and persistence true (hub/README.md, "External broker").',
    );
  }
}

export async function startMqttIngest(opts: MqttIngestOptions): Promise<MqttIngest> {
  const log = opts.logger.child({ component: 'mqtt-ingest' });
  const subscription = topics.hubSubscription(opts.share);
  await checkQueueOrRefuse(opts, log);
  const client = mqtt.connect(opts.url, {
    clientId: opts.clientId,
    clean: false,
    // Shared subscriptions are an MQTT v5 feature; plain hubs speak 3.1.1, which aedes serves best.
    protocolVersion: opts.share ? 5 : 4,
    // In v5 a session ends at disconnect unless it has an expiry; keep it a day, like v3's kept session.
    ...(opts.share ? { properties: { sessionExpiryInterval: 86_400 } } : {}),
    username: opts.username,
    password: opts.password,
    // Reconnects are ours (capped exponential backoff with jitter, below): MQTT.js would
    // retry at a fixed period, and N hubs would hammer a recovering broker in lockstep.
    reconnectPeriod: 0,
    connectTimeout: opts.connectTimeoutMs ?? 10_000,
    manualConnect: true,
  });

  let inHand = 0;
  let lastDone = Date.now();
  let droppedSeen: number | null = null;
  const watchDropped = (payload: Buffer) => {
    const value = Number(payload.toString('utf8'));
    if (!Number.isFinite(value)) return;
    opts.metrics.brokerDropped.set(value);
    const before = droppedSeen;
    droppedSeen = value;
    const msg = 'the MQTT broker DROPPED messages at its queue limits: incidents it acknowledged to edges may be lost; raise max_queued_messages (hub/README.md, "External broker")';
    if (before === null && value > 0) log.error({ url: opts.url, brokerTotal: value }, `${msg} (count since the broker started)`);
    else if (before !== null && value > before) log.error({ url: opts.url, dropped: value - before, brokerTotal: value }, msg);
  };
  client.handleMessage = (packet, done) => {
    if (packet.topic === MOSQUITTO_DROPPED_TOPIC) {
      watchDropped(Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
      return done();
    }
    inHand++;
    const finished = () => {
      inHand--;
      lastDone = Date.now();
      done();
    };
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    opts.process(packet.topic, payload).then(finished, (err: unknown) => {
      // The processor never throws by design; if it does, ack anyway so one bad
      // message cannot wedge the queue, and leave a loud trace.
      log.error({ err, topic: packet.topic }, 'ingest processor threw');
      finished();
    });
  };

  client.on('connect', (connack) => {
    log.info({ url: opts.url, sessionPresent: connack.sessionPresent }, 'hub MQTT client connected');
    if (!connack.sessionPresent) {
      client.subscribe(subscription, { qos: 1 }, (err) => {
        if (err) log.error({ err, subscription }, 'hub subscription failed');
      });
    }
  });
  let closing = false;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;
  client.on('connect', () => {
    attempt = 0;
  });
  client.on('close', () => {
    if (closing || retry) return;
    const delay = backoffMs(attempt++);
    log.warn({ url: opts.url, delayMs: Math.round(delay) }, 'hub MQTT client disconnected; reconnecting');
    retry = setTimeout(() => {
      retry = undefined;
      if (!closing) client.reconnect();
    }, delay);
  });
  client.on('error', (err) => log.warn({ err: err.message, url: opts.url }, 'hub MQTT client error'));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`could not connect to the MQTT broker at ${opts.url} within ${opts.connectTimeoutMs ?? 10_000} ms`));
    }, opts.connectTimeoutMs ?? 10_000);
    const onConnect = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      if ('code' in err && (err.code === 4 || err.code === 5 || err.code === 134 || err.code === 135)) {
        cleanup();
        reject(new Error(`the MQTT broker at ${opts.url} refused the hub's credentials`));
      }
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
    };
    client.on('connect', onConnect);
    client.on('error', onError);
    client.connect();
  }).catch(async (err: unknown) => {
    closing = true;
    clearTimeout(retry);
    await client.endAsync(true);
    throw err;
  });
  // The broker must hold our subscription before the hub reports ready.
  await client.subscribeAsync(subscription, { qos: 1 });
  // Brokers without Mosquitto's $SYS tree simply never send it.
  client.subscribe(MOSQUITTO_DROPPED_TOPIC, { qos: 0 }, (err) => {
    if (err) log.debug({ err: err.message }, 'no $SYS drop counter on this broker');
  });

  return {
    client,
    subscription,
    connected: () => client.connected,
    drain: async (quietMs = 100, maxMs = 3_000): Promise<void> => {
      const deadline = Date.now() + maxMs;
      while (Date.now() < deadline && (inHand > 0 || Date.now() - lastDone < quietMs)) {
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      closing = true;
      clearTimeout(retry);
      await client.endAsync();
    },
  };
}

/** 1 s doubling to 30 s, each delay drawn from its upper half (jitter). */
export function backoffMs(attempt: number, baseMs = 1_000, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
