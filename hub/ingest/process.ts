/**
 * One MQTT message in, at most one store change out. Every message is checked in order:
 * topic shape, JSON, protocol schema, topic ids equal payload ids, then the store. Any
 * failure is counted by reason and logged with its topic; nothing invalid is stored and
 * nothing here throws.
 *
 * Edge clocks are not trusted: event times outside [hub now − maxBehind, hub now + maxAhead]
 * are set to that edge of the window and counted (`anyu_ingest_clock_clamped_total`).
 * What an edge may not do is audited as `edge:<edgeId>`: change an incident on legal hold,
 * replace its snapshot, or write to another edge's incident.
 */
import type { FastifyBaseLogger } from 'fastify';
import { AttendanceEvent, EdgeConfigAck, EdgeStatus, IncidentEvent, parseTopic, type AttendanceEventView, type IncidentView } from '../../protocol/index.ts';
import type { HubMetrics, RejectReason } from '../metrics.ts';
import { StoreError } from '../store/errors.ts';
import type { AuditEntry, Store } from '../store/types.ts';

export type IngestOutcome =
  | { outcome: 'applied' | 'duplicate' | 'stale' | 'ignored'; kind: string }
  | { outcome: 'rejected'; kind: string; reason: RejectReason };

export interface IngestSinks {
  incident(view: IncidentView): void;
  status(status: EdgeStatus): void;
  /** A new attendance event of an institution (a face proposal staff may have to confirm). */
  attendance?(institutionId: string, event: AttendanceEventView): void;
}

export interface IngestDeps {
  store: Store;
  metrics: HubMetrics;
  logger: FastifyBaseLogger;
  sinks: IngestSinks;
  snapshotMaxBytes: number;
  /** The window around the hub's clock that edge times are held to. */
  clock: { maxAheadMs: number; maxBehindMs: number; now?: () => number };
}

type Clamp = 'ahead' | 'behind' | null;

/** `iso` held to [now − behind, now + ahead]; the direction it was moved, if it was. */
export function clampTime(iso: string, now: number, clock: IngestDeps['clock']): { value: string; moved: Clamp } {
  const t = Date.parse(iso);
  if (t > now + clock.maxAheadMs) return { value: new Date(now + clock.maxAheadMs).toISOString(), moved: 'ahead' };
  if (t < now - clock.maxBehindMs) return { value: new Date(now - clock.maxBehindMs).toISOString(), moved: 'behind' };
  return { value: iso, moved: null };
}

const JPEG_SOI = Buffer.from([0xff, 0xd8, 0xff]);
/** Valid incidents and statuses are a few kB (≤ 64 persons, ≤ 256 cameras); far above is abuse. */
const JSON_MAX_BYTES = 256 * 1024;

function parseJson(payload: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(payload.toString('utf8')) };
  } catch {
    // Malformed JSON is an expected input from a faulty edge: reported by the caller.
    return { ok: false };
  }
}

export function createIngestProcessor(deps: IngestDeps) {
  const { store, metrics, sinks } = deps;
  const log = deps.logger.child({ component: 'ingest' });

  const now = deps.clock.now ?? Date.now;
  const clamp = (kind: string, iso: string, at: number) => {
    const c = clampTime(iso, at, deps.clock);
    if (c.moved) metrics.ingestClockClamped.inc({ kind, direction: c.moved });
    return c;
  };
  const auditEdge = async (edgeId: string, institutionId: string, action: string, target: string, detail: Record<string, unknown>) => {
    const entry: AuditEntry = { at: new Date(now()).toISOString(), actor: `edge:${edgeId}`, action, target, institutionId, detail };
    await store.audit(entry);
    metrics.auditWrites.inc({ action });
    log.warn({ edgeId, action, target, ...detail }, 'edge attempt refused');
  };

  const finish = (topic: string, started: bigint, result: IngestOutcome, detail?: string): IngestOutcome => {
    metrics.ingestMessages.inc({ kind: result.kind, outcome: result.outcome });
    if (result.outcome === 'rejected') {
      metrics.ingestRejected.inc({ reason: result.reason });
      log.warn({ topic, reason: result.reason, detail }, 'ingest rejected a message');
    } else {
      metrics.ingestLatency.observe({ kind: result.kind }, Number(process.hrtime.bigint() - started) / 1e9);
    }
    return result;
  };

  return async function processMessage(topic: string, payload: Buffer): Promise<IngestOutcome> {
    const started = process.hrtime.bigint();
    const parsed = parseTopic(topic);
    if (!parsed) return finish(topic, started, { outcome: 'rejected', kind: 'other', reason: 'topic' });
    const kind = parsed.kind;
    // Config is hub → edge traffic; an empty retained payload only clears a topic.
    if (kind === 'config' || payload.length === 0) return finish(topic, started, { outcome: 'ignored', kind });
    const reject = (reason: RejectReason, detail?: string) =>
      finish(topic, started, { outcome: 'rejected', kind, reason }, detail);

    try {
      if (kind === 'snapshot') {
        if (payload.length > deps.snapshotMaxBytes) return reject('too_large', `${payload.length} bytes`);
        if (payload.length < 4 || !payload.subarray(0, 3).equals(JPEG_SOI)) return reject('not_jpeg');
        const incidentId = parsed.incidentId!;
        const edge = { institutionId: parsed.institutionId, edgeId: parsed.edgeId };
        const put = await store.putSnapshot(edge, incidentId, payload);
        if (put === 'unknown') return reject('unknown_incident', incidentId);
        if (put === 'not_owner') {
          await auditEdge(parsed.edgeId, parsed.institutionId, 'snapshot.refused', `incident:${incidentId}`, { reason: "another edge's incident" });
          return reject('conflict', incidentId);
        }
        if (put === 'held') {
          await auditEdge(parsed.edgeId, parsed.institutionId, 'snapshot.refused', `incident:${incidentId}`, { reason: 'legal hold: the stored snapshot is kept' });
          return reject('held', incidentId);
        }
        if (put === 'duplicate') return finish(topic, started, { outcome: 'duplicate', kind });
        const detail = await store.getIncident({ kind: 'institution', institutionId: parsed.institutionId }, incidentId);
        if (detail) {
          const { timeline: _timeline, ...view } = detail;
          sinks.incident(view);
        }
        return finish(topic, started, { outcome: 'applied', kind });
      }

      if (payload.length > JSON_MAX_BYTES) return reject('too_large', `${payload.length} bytes`);
      const json = parseJson(payload);
      if (!json.ok) return reject('json');

      if (kind === 'incident') {
        const ev = IncidentEvent.safeParse(json.value);
        if (!ev.success) return reject('schema', ev.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        if (ev.data.institutionId !== parsed.institutionId || ev.data.edgeId !== parsed.edgeId) return reject('id_mismatch');
        const received = now();
        const at = clamp(kind, ev.data.at, received);
        const startedAt = clamp(kind, ev.data.startedAt, received);
        if (at.moved || startedAt.moved) log.warn({ topic, at: ev.data.at, startedAt: ev.data.startedAt }, "edge time outside the window around the hub's clock: clamped");
        const res = await store.applyIncidentEvent({ ...ev.data, at: at.value, startedAt: startedAt.value }, new Date(received).toISOString());
        if (res.outcome === 'conflict') {
          await auditEdge(parsed.edgeId, parsed.institutionId, 'incident.refused', `incident:${ev.data.id}`, { reason: "another edge's or institution's incident", seq: ev.data.seq });
          return reject('conflict', ev.data.id);
        }
        if (res.outcome === 'applied') {
          if (res.refused) {
            await auditEdge(parsed.edgeId, parsed.institutionId, 'incident.held_change_refused', `incident:${ev.data.id}`, { reason: 'legal hold', fields: res.refused, seq: ev.data.seq });
          }
          sinks.incident(res.incident);
        }
        return finish(topic, started, { outcome: res.outcome, kind });
      }

      if (kind === 'attendance') {
        const ev = AttendanceEvent.safeParse(json.value);
        if (!ev.success) return reject('schema', ev.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        if (ev.data.institutionId !== parsed.institutionId || ev.data.edgeId !== parsed.edgeId) return reject('id_mismatch');
        const received = now();
        const at = clamp(kind, ev.data.at, received);
        const res = await store.attendance.recordEvent({
          institutionId: ev.data.institutionId,
          childId: ev.data.childId,
          edgeId: ev.data.edgeId,
          eventId: ev.data.id,
          direction: ev.data.direction,
          at: at.value,
          source: ev.data.source,
          confidence: ev.data.confidence,
          needsConfirm: ev.data.needsConfirm,
          recordedBy: null,
          cameraId: ev.data.cameraId ?? null,
          receivedAt: new Date(received).toISOString(),
        });
        metrics.attendanceEvents.inc({ source: ev.data.source, outcome: res.outcome });
        // A child not on this institution's roster: another institution's child, a
        // deleted one, or a made-up id. Nothing is stored.
        if (res.outcome === 'unknown_child') return reject('unknown_child', ev.data.childId);
        if (res.outcome === 'applied' && res.event) sinks.attendance?.(ev.data.institutionId, res.event);
        return finish(topic, started, { outcome: res.outcome, kind });
      }

      if (kind === 'config-ack') {
        const ack = EdgeConfigAck.safeParse(json.value);
        if (!ack.success) return reject('schema', ack.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        if (ack.data.institutionId !== parsed.institutionId || ack.data.edgeId !== parsed.edgeId) return reject('id_mismatch');
        const at = new Date(now()).toISOString();
        const res = await store.attendance.recordAck(ack.data, at);
        metrics.configAcks.inc({ outcome: res, ok: String(ack.data.ok) });
        const { schema: _s, institutionId: _i, edgeId: _e, ...detail } = ack.data;
        const entry: AuditEntry = { at, actor: `edge:${parsed.edgeId}`, action: res === 'applied' ? 'config.ack' : `config.ack_${res}`, target: `edge:${parsed.edgeId}`, institutionId: parsed.institutionId, detail };
        await store.audit(entry);
        metrics.auditWrites.inc({ action: entry.action });
        if (!ack.data.ok) log.warn({ edgeId: parsed.edgeId, version: ack.data.version, error: ack.data.error }, 'edge refused a config version');
        return finish(topic, started, { outcome: res === 'applied' ? 'applied' : 'stale', kind });
      }

      const st = EdgeStatus.safeParse(json.value);
      if (!st.success) return reject('schema', st.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      if (st.data.institutionId !== parsed.institutionId || st.data.edgeId !== parsed.edgeId) return reject('id_mismatch');
      const at = clamp(kind, st.data.at, now());
      const status = at.moved ? { ...st.data, at: at.value } : st.data;
      await store.recordEdgeStatus(status);
      for (const c of status.cameras) {
        if (c.peopleSeen) await store.attendance.recordPeopleSeen(status.institutionId, c.id, c.peopleSeen.since, c.peopleSeen.max);
      }
      sinks.status(status);
      return finish(topic, started, { outcome: 'applied', kind });
    } catch (err) {
      // Store refusals of well-formed data are the sender's fault, not the hub's.
      if (err instanceof StoreError && err.code === 'unknown_institution') return reject('unknown_institution', err.message);
      if (err instanceof StoreError && err.code === 'bad_time') return reject('schema', err.message);
      log.error({ err, topic }, 'store failed while ingesting a message');
      return reject('store_error');
    }
  };
}

export type IngestProcessor = ReturnType<typeof createIngestProcessor>;
