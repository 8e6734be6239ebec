/**
 * Prometheus metrics of one hub. Each hub owns its `Registry` (never prom-client's global
 * one) so several hubs in one process (tests, benchmarks) never mix their counts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type RejectReason =
  | 'topic'
  | 'json'
  | 'schema'
  | 'id_mismatch'
  | 'conflict'
  | 'not_jpeg'
  | 'too_large'
  | 'unknown_incident'
  | 'unknown_institution'
  | 'held'
  | 'unknown_child'
  | 'store_error';

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'anyu_' });
  return {
    registry,
    ingestMessages: new Counter({
      name: 'anyu_ingest_messages_total',
      help: 'MQTT messages seen by ingest, by kind (incident, status, snapshot, other) and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    ingestRejected: new Counter({
      name: 'anyu_ingest_rejected_total',
      help: 'MQTT messages rejected by ingest, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    ingestClockClamped: new Counter({
      name: 'anyu_ingest_clock_clamped_total',
      help: "Edge times outside the window around the hub's clock, set to its edge, by kind and direction (ahead, behind)",
      labelNames: ['kind', 'direction'] as const,
      registers: [registry],
    }),
    ingestLatency: new Histogram({
      name: 'anyu_ingest_latency_seconds',
      help: 'Time from MQTT message receipt to stored and pushed',
      labelNames: ['kind'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    brokerRefused: new Counter({
      name: 'anyu_broker_refused_total',
      help: 'Embedded broker refusals, by action (connect: bad credentials, client_id, throttled, too_large, publish, subscribe, unstored)',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    brokerDropped: new Gauge({
      name: 'anyu_broker_dropped_messages',
      help: 'Messages the external broker says it dropped at its queue or in-flight limits since it started (Mosquitto $SYS/broker/publish/messages/dropped); any rise may be lost incidents',
      registers: [registry],
    }),
    liveClients: new Gauge({
      name: 'anyu_live_clients',
      help: 'Connected Socket.IO clients',
      registers: [registry],
    }),
    retentionPurged: new Counter({
      name: 'anyu_retention_purged_total',
      help: 'Ended incidents deleted by retention (legal holds are never deleted)',
      registers: [registry],
    }),
    attendanceEvents: new Counter({
      name: 'anyu_attendance_events_total',
      help: 'Attendance events by source (staff, face, card, qr) and outcome (applied, duplicate, unknown_child)',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    configPublishes: new Counter({
      name: 'anyu_config_publishes_total',
      help: 'Edge config versions published (retained), first time or again until acknowledged',
      labelNames: ['attempt'] as const,
      registers: [registry],
    }),
    configAcks: new Counter({
      name: 'anyu_config_acks_total',
      help: 'Edge config acknowledgements by outcome (applied, stale, unknown) and ok (true, false)',
      labelNames: ['outcome', 'ok'] as const,
      registers: [registry],
    }),
    configPending: new Gauge({
      name: 'anyu_config_pending',
      help: 'Edge config versions published and not yet acknowledged',
      registers: [registry],
    }),
    auditWrites: new Counter({
      name: 'anyu_audit_writes_total',
      help: 'Audit log entries written, by action',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
  };
}

export type HubMetrics = ReturnType<typeof createMetrics>;
