/**
 * What people do to incidents (acknowledge, close, legal hold), shared by the REST API
 * and the Socket.IO `incident:ack` event so both paths are scoped, audited and pushed the
 * same way.
 */
import { randomUUID } from 'node:crypto';
import type { AlarmBody, IncidentView, Outcome, UserView } from '../protocol/index.ts';
import { scopeOf } from './api/access.ts';
import { HubError } from './errors.ts';
import type { HubMetrics } from './metrics.ts';
import { StoreError } from './store/errors.ts';
import type { AuditEntry, Store } from './store/types.ts';

export interface IncidentActionsDeps {
  store: Store;
  metrics: HubMetrics;
  /** Called with the incident after every change people make. */
  notify(view: IncidentView): void;
  now?: () => Date;
}

export function createIncidentActions(deps: IncidentActionsDeps) {
  const { store, metrics } = deps;
  const now = () => (deps.now ? deps.now() : new Date()).toISOString();

  const audit = async (user: UserView, action: string, target: string, institutionId: string | null, detail: Record<string, unknown> | null) => {
    const entry: AuditEntry = { at: now(), actor: user.username, action, target, institutionId, detail };
    await store.audit(entry);
    metrics.auditWrites.inc({ action });
  };

  const done = async (user: UserView, action: string, view: IncidentView | null, id: string, detail: Record<string, unknown> | null) => {
    if (!view) throw new HubError('NOT_FOUND', `incident ${id} not found`);
    await audit(user, action, `incident:${id}`, view.institutionId, detail);
    deps.notify(view);
    return view;
  };

  return {
    audit,
    async acknowledge(user: UserView, id: string): Promise<IncidentView> {
      const view = await store.acknowledge(scopeOf(user), id, user.username, now());
      return done(user, 'incident.ack', view, id, null);
    },
    async close(user: UserView, id: string, outcome: Outcome, note: string): Promise<IncidentView> {
      const view = await store.close(scopeOf(user), id, user.username, now(), outcome, note);
      return done(user, 'incident.close', view, id, { outcome, note });
    },
    /** One-button alarm of the user's own institution: stored, audited, pushed to every wall of it. */
    async raiseAlarm(user: UserView, body: AlarmBody): Promise<IncidentView> {
      if (!user.institutionId) throw new HubError('FORBIDDEN', 'your account has no institution');
      const id = `alarm-${randomUUID()}`;
      let view: IncidentView | null;
      try {
        view = await store.raiseAlarm(scopeOf(user), { id, institutionId: user.institutionId, roomId: body.roomId, by: user.username, at: now(), note: body.note });
      } catch (err) {
        if (err instanceof StoreError && err.code === 'unknown_room') throw new HubError('BAD_REQUEST', `no room ${body.roomId} in your institution`);
        throw err;
      }
      return done(user, 'incident.alarm', view, id, { roomId: body.roomId, note: body.note });
    },
    async legalHold(user: UserView, id: string, hold: boolean): Promise<IncidentView> {
      const view = await store.setLegalHold(scopeOf(user), id, hold, user.username, now());
      return done(user, 'incident.legal_hold', view, id, { hold });
    },
  };
}

export type IncidentActions = ReturnType<typeof createIncidentActions>;
