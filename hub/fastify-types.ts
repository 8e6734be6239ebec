/**
 * What `buildHub` decorates on the Fastify instance and request, typed once for every
 * plugin (fastify's declaration-merging pattern).
 */
import type {} from '@fastify/cookie';
import type {} from '@fastify/rate-limit';
import type { SubsidyRules, UserView } from '../protocol/index.ts';
import type { ConfigChannel } from './attendance/config-channel.ts';
import type { IncidentActions } from './actions.ts';
import type { HubConfig } from './config.ts';
import type { Live } from './live/live.ts';
import type { HubMetrics } from './metrics.ts';
import type { CoverageFn } from './api/catalog-routes.ts';
import type { Store } from './store/types.ts';

export interface BrokerInfo {
  mode: 'embedded' | 'external';
  url: string;
  connected(): boolean;
  /**
   * Ends the live sessions of an edge whose password was rotated (embedded broker only;
   * an external broker checks passwords itself at the next connect). Returns how many.
   */
  disconnectEdge(edgeId: string): Promise<number>;
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    metrics: HubMetrics;
    hubConfig: HubConfig;
    actions: IncidentActions;
    live: Live;
    broker: BrokerInfo;
    coverage: CoverageFn | null;
    configChannel: ConfigChannel;
    subsidyRules: SubsidyRules;
  }
  interface FastifyRequest {
    user: UserView | null;
  }
}
