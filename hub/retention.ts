/**
 * Retention: once a day the hub deletes incidents (and their snapshots) that ended more
 * than `days` ago, except those on legal hold. Raw video never reaches the hub; this
 * bounds how long events and snapshots of children stay here.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { HubMetrics } from './metrics.ts';
import type { Store } from './store/types.ts';

export interface RetentionDeps {
  store: Pick<Store, 'purgeIncidents'>;
  metrics: HubMetrics;
  logger: FastifyBaseLogger;
  days: number;
  intervalMs?: number;
}

export function startRetention(deps: RetentionDeps) {
  const log = deps.logger.child({ component: 'retention' });
  let running: Promise<number> | null = null;

  const runOnce = async (now: Date = new Date()): Promise<number> => {
    const before = new Date(now.getTime() - deps.days * 86_400_000).toISOString();
    const purged = await deps.store.purgeIncidents(before);
    deps.metrics.retentionPurged.inc(purged);
    if (purged > 0) log.info({ purged, before }, 'retention purged ended incidents');
    return purged;
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
