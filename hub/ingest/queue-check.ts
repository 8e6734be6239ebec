/**
 * Does the external broker keep what it acknowledged? An edge's message is acknowledged
 * by the broker, then queued in the hub's persistent session until the hub has stored
 * it. Mosquitto drops QoS1 messages past `max_queued_messages` (default 1,000) per
 * session — silently for the edge, which already deleted them from its outbox. So before
 * the hub subscribes it asks the broker: a throwaway persistent session subscribes to a
 * probe topic and goes away, `depth + 1` QoS1 messages are published to it, and the
 * session comes back to count what was kept. Fewer than `depth + 1` means the broker
 * would drop acknowledged incidents during a hub outage or a burst: the hub refuses to
 * start. The probe topic lies outside `anyu/v1/`, so no hub ingests it.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions } from 'mqtt';

export interface QueueCheckOptions {
  url: string;
  username?: string;
  password?: string;
  /** Messages the broker must keep for an offline session. */
  depth: number;
  /** Client id prefix (the hub's): the probe's session is `<prefix>-qcheck-<random>`. */
  clientIdPrefix: string;
  timeoutMs?: number;
}

export interface QueueCheckResult {
  published: number;
  kept: number;
}

export const QUEUE_CHECK_TOPIC_ROOT = 'anyu-hub-check';

export class BrokerCheckError extends Error {
  override name = 'BrokerCheckError';
}

export async function checkBrokerQueue(opts: QueueCheckOptions): Promise<QueueCheckResult> {
  const nonce = randomBytes(6).toString('hex');
  const topic = `${QUEUE_CHECK_TOPIC_ROOT}/${nonce}`;
  const probeId = `${opts.clientIdPrefix}-qcheck-${nonce}`.slice(0, 64);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const base: IClientOptions = {
    username: opts.username,
    password: opts.password,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  };
  const published = opts.depth + 1;

  const probe = await mqtt.connectAsync(opts.url, { ...base, clientId: probeId, clean: false });
  try {
    const granted = await probe.subscribeAsync(topic, { qos: 1 });
    if (granted.some((g) => g.qos !== 1)) {
      throw new BrokerCheckError(`the broker refused the hub a QoS1 subscription to ${QUEUE_CHECK_TOPIC_ROOT}/# (grant the hub's user readwrite on it, or skip the check with --mqtt-queue-check 0)`);
    }
  } finally {
    await probe.endAsync();
  }

  let kept = 0;
  try {
    const publisher = await mqtt.connectAsync(opts.url, { ...base, clientId: `${opts.clientIdPrefix}-qpub-${nonce}`.slice(0, 64), clean: true });
    try {
      const body = Buffer.from('queue check');
      await Promise.all(Array.from({ length: published }, () => publisher.publishAsync(topic, body, { qos: 1 })));
    } finally {
      await publisher.endAsync();
    }

    const back = mqtt.connect(opts.url, { ...base, clientId: probeId, clean: false, manualConnect: true });
    kept = await new Promise<number>((resolve, reject) => {
      let count = 0;
      let quiet: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(deadline);
        clearTimeout(quiet);
        resolve(count);
      };
      const deadline = setTimeout(finish, timeoutMs);
      back.on('message', () => {
        count += 1;
        clearTimeout(quiet);
        if (count >= published) return finish();
        quiet = setTimeout(finish, 1_000);
      });
      back.on('connect', () => {
        quiet = setTimeout(finish, 2_000);
      });
      back.on('error', (err) => {
        clearTimeout(deadline);
        clearTimeout(quiet);
        reject(err);
      });
      back.connect();
    }).finally(() => back.endAsync());
  } finally {
    // End the probe's session so the broker stops queueing for it.
    const purge = await mqtt.connectAsync(opts.url, { ...base, clientId: probeId, clean: true });
    await purge.endAsync();
  }
  return { published, kept };
}
