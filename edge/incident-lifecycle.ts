/**
 * Turns "this breach is happening / is over" into protocol incident events with a stable
 * id and increasing seq, one incident per breach key. Shared by analytics rules and camera
 * health so every incident on the wire is made the same way.
 */
import { randomUUID } from 'node:crypto';
import {
  SCHEMA_VERSION,
  type Evidence,
  type IncidentEvent,
  type IncidentKind,
  type Severity,
  type SnapshotMeta,
} from '../protocol/index.ts';

export interface LifecycleContext {
  institutionId: string;
  edgeId: string;
  /** Epoch ms; injected so rules can be tested with fake time. */
  now: () => number;
  newId?: () => string;
}

export interface IncidentFields {
  kind: IncidentKind;
  severity: Severity;
  cameraId: string | null;
  zoneId: string | null;
  /** The zone's display name from the edge config. */
  zoneName?: string;
  evidence: Evidence;
  message?: string;
  snapshot?: SnapshotMeta;
}

interface OpenIncident {
  id: string;
  seq: number;
  startedAt: string;
  fields: IncidentFields;
}

export class IncidentLifecycle {
  readonly #ctx: LifecycleContext;
  readonly #open = new Map<string, OpenIncident>();

  constructor(ctx: LifecycleContext) {
    this.#ctx = ctx;
  }

  isOpen(key: string): boolean {
    return this.#open.has(key);
  }

  openIds(): string[] {
    return [...this.#open.values()].map((o) => o.id);
  }

  open(key: string, fields: IncidentFields): IncidentEvent {
    if (this.#open.has(key)) throw new Error(`incident already open for ${key}`);
    const at = new Date(this.#ctx.now()).toISOString();
    const inc: OpenIncident = { id: (this.#ctx.newId ?? randomUUID)(), seq: 0, startedAt: at, fields };
    this.#open.set(key, inc);
    return this.#event('open', inc, at);
  }

  update(key: string, patch: Partial<IncidentFields>): IncidentEvent {
    const inc = this.#require(key);
    inc.seq += 1;
    inc.fields = { ...inc.fields, ...patch };
    return this.#event('update', inc, new Date(this.#ctx.now()).toISOString());
  }

  resolve(key: string, patch: Partial<IncidentFields> = {}): IncidentEvent {
    const inc = this.#require(key);
    this.#open.delete(key);
    inc.seq += 1;
    inc.fields = { ...inc.fields, ...patch };
    return this.#event('resolved', inc, new Date(this.#ctx.now()).toISOString());
  }

  #require(key: string): OpenIncident {
    const inc = this.#open.get(key);
    if (!inc) throw new Error(`no open incident for ${key}`);
    return inc;
  }

  #event(type: IncidentEvent['type'], inc: OpenIncident, at: string): IncidentEvent {
    const f = inc.fields;
    return {
      schema: SCHEMA_VERSION,
      type,
      id: inc.id,
      seq: inc.seq,
      kind: f.kind,
      severity: f.severity,
      institutionId: this.#ctx.institutionId,
      edgeId: this.#ctx.edgeId,
      cameraId: f.cameraId,
      zoneId: f.zoneId,
      ...(f.zoneName !== undefined ? { zoneName: f.zoneName } : {}),
      startedAt: inc.startedAt,
      at,
      evidence: f.evidence,
      ...(f.message !== undefined ? { message: f.message } : {}),
      ...(f.snapshot !== undefined ? { snapshot: f.snapshot } : {}),
    };
  }
}
