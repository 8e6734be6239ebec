/**
 * The hub side of the hub → edge config channel (protocol/config.ts). A new version per
 * edge whenever an institution's face consent changes (or an admin pushes), published
 * RETAINED at QoS 1 on `…/{edge}/config` so an edge that is offline gets it when it comes
 * back; re-published with exponential backoff until that version's `config-ack` arrives
 * (ingest records it in the store, which is what ends the retries). Publishes and acks are
 * audited. The same channel will carry remote camera and zone configuration (`cameras`).
 *
 * Publishing goes through the embedded broker itself (`aedes.publish`: the hub has no MQTT
 * client there) or through the hub's MQTT client of an external broker.
 */
import type { FastifyBaseLogger } from 'fastify';
import { SCHEMA_VERSION, topics, type EdgeConfig } from '../../protocol/index.ts';
import type { HubMetrics } from '../metrics.ts';
import type { AuditEntry, Store } from '../store/types.ts';

export type ConfigPublish = (topic: string, payload: string) => Promise<void>;

export interface ConfigChannelOptions {
  store: Store;
  metrics: HubMetrics;
  logger: FastifyBaseLogger;
  publish: ConfigPublish;
  /** First re-publish after this long without an ack; doubles each time up to `retryMaxMs`. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  now?: () => Date;
}

export interface ConfigChannel {
  /** Publishes a new version to every edge of the institution; returns the configs published. */
  push(institutionId: string, actor: string, reason: string): Promise<EdgeConfig[]>;
  /** Re-publishes every unacknowledged version whose backoff has passed (also run by a timer). */
  retryDue(): Promise<number>;
  close(): void;
}

export function createConfigChannel(opts: ConfigChannelOptions): ConfigChannel {
  const { store, metrics } = opts;
  const log = opts.logger.child({ component: 'config-channel' });
  const initial = opts.retryInitialMs ?? 5_000;
  const max = opts.retryMaxMs ?? 300_000;
  const now = () => (opts.now ? opts.now() : new Date());
  let closed = false;

  const audit = async (entry: Omit<AuditEntry, 'at'>) => {
    await store.audit({ at: now().toISOString(), ...entry });
    metrics.auditWrites.inc({ action: entry.action });
  };

  const send = async (config: EdgeConfig, attempt: 'first' | 'retry') => {
    await opts.publish(topics.config(config.institutionId, config.edgeId), JSON.stringify(config));
    await store.attendance.markPublished(config.edgeId, config.version, now().toISOString());
    metrics.configPublishes.inc({ attempt });
  };

  let running: Promise<number> | null = null;
  const retryDue = async (): Promise<number> => {
    const pending = await store.attendance.pendingEdgeConfigs();
    metrics.configPending.set(pending.length);
    let sent = 0;
    const t = now().getTime();
    for (const p of pending) {
      const wait = p.publishes === 0 ? 0 : Math.min(max, initial * 2 ** (p.publishes - 1));
      if (p.lastPublishedAt !== null && t - Date.parse(p.lastPublishedAt) < wait) continue;
      try {
        await send(p.config, p.publishes === 0 ? 'first' : 'retry');
        sent++;
        if (p.publishes > 0) log.info({ edgeId: p.config.edgeId, version: p.config.version, publishes: p.publishes + 1 }, 'config not acknowledged yet: published again');
      } catch (err) {
        log.warn({ err, edgeId: p.config.edgeId, version: p.config.version }, 'config publish failed; will retry');
      }
    }
    return sent;
  };
  const timer = setInterval(() => {
    if (closed || running) return;
    running = retryDue()
      .catch((err: unknown) => {
        log.error({ err }, 'config retry pass failed');
        return 0;
      })
      .finally(() => (running = null));
  }, Math.max(250, Math.min(initial, 5_000)));
  timer.unref();

  return {
    async push(institutionId, actor, reason) {
      const childIds = await store.attendance.faceConsentChildIds(institutionId);
      const out: EdgeConfig[] = [];
      for (const edgeId of await store.attendance.edgeIdsOf(institutionId)) {
        const config = await store.attendance.nextEdgeConfig(institutionId, edgeId, (version) => ({
          schema: SCHEMA_VERSION,
          institutionId,
          edgeId,
          version,
          issuedAt: now().toISOString(),
          faceConsent: { childIds },
        }));
        await audit({ actor, action: 'config.publish', target: `edge:${edgeId}`, institutionId, detail: { version: config.version, reason, faceConsent: childIds.length } });
        try {
          await send(config, 'first');
        } catch (err) {
          // Stored as pending: the retry timer publishes it when the broker is back.
          log.warn({ err, edgeId, version: config.version }, 'config publish failed; will retry');
        }
        out.push(config);
      }
      return out;
    },
    retryDue,
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
