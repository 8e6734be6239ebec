/**
 * What people do to incidents (acknowledge, close, legal hold), shared by the REST API
 * and the Socket.IO `incident:ack` event so both paths are scoped, audited and pushed the
 * same way.
 */
import type { IncidentView, Outcome, UserView } from '../protocol/index.ts';
import { scopeOf } from './api/access.ts';
import { HubError } from './errors.ts';
import type { HubMetrics } from './metrics.ts';
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
    async legalHold(user: UserView, id: string, hold: boolean): Promise<IncidentView> {
      const view = await store.setLegalHold(scopeOf(user), id, hold, user.username, now());
      return done(user, 'incident.legal_hold', view, id, { hold });
    },
  };
}

export type IncidentActions = ReturnType<typeof createIncidentActions>;
