/**
 * Retention: once a day the hub deletes incidents (and their snapshots) that nothing has
 * happened to for `days` by the hub's own clock (hub/store: `last_activity_at`), except
 * those on legal hold. Raw video never reaches the hub; this bounds how long events and
 * snapshots of children stay here. Every purge is written to the audit log, one entry per
 * institution with the ids deleted.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { HubMetrics } from './metrics.ts';
import type { PurgedIncident, Store } from './store/types.ts';

export interface RetentionDeps {
  store: Pick<Store, 'purgeIncidents' | 'audit'>;
  metrics: HubMetrics;
  logger: FastifyBaseLogger;
  days: number;
  intervalMs?: number;
}

/** Ids listed per audit entry; a larger purge records the count and the first ones. */
const AUDIT_IDS = 1000;

export function startRetention(deps: RetentionDeps) {
  const log = deps.logger.child({ component: 'retention' });
  let running: Promise<number> | null = null;

  const audit = async (purged: PurgedIncident[], before: string, at: string) => {
    const byInstitution = new Map<string, string[]>();
    for (const p of purged) byInstitution.set(p.institutionId, [...(byInstitution.get(p.institutionId) ?? []), p.id]);
    for (const [institutionId, ids] of byInstitution) {
      await deps.store.audit({
        at,
        actor: 'retention',
        action: 'retention.purge',
        target: `institution:${institutionId}`,
        institutionId,
        detail: { count: ids.length, before, retentionDays: deps.days, ids: ids.slice(0, AUDIT_IDS) },
      });
      deps.metrics.auditWrites.inc({ action: 'retention.purge' });
    }
  };

  const runOnce = async (now: Date = new Date()): Promise<number> => {
    const before = new Date(now.getTime() - deps.days * 86_400_000).toISOString();
    const purged = await deps.store.purgeIncidents(before);
    deps.metrics.retentionPurged.inc(purged.length);
    if (purged.length > 0) {
      await audit(purged, before, now.toISOString());
      log.info({ purged: purged.length, before }, 'retention purged incidents');
    }
    return purged.length;
  };

  const tick = () => {
    if (running) return;
    running = runOnce()
      .catch((err: unknown) => {
        log.error({ err }, 'retention purge failed; will retry at the next interval');
        return 0;
      })
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, deps.intervalMs ?? 86_400_000);
  timer.unref();
  // First purge shortly after boot, off the start-up path.
  const first = setTimeout(tick, 60_000);
  first.unref();

  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      clearTimeout(first);
      await running;
    },
  };
}

export type Retention = ReturnType<typeof startRetention>;
