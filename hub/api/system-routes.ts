/** `/api/health` (public) and `/metrics` (Prometheus text, this hub's own registry). */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HealthResponse } from '../../protocol/index.ts';
import { HUB_VERSION } from '../version.ts';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  const started = Date.now();
  app.get('/health', { schema: { tags: ['system'], response: { 200: HealthResponse } } }, async () => {
    const connected = app.broker.connected();
    return {
      status: connected ? 'ok' : 'degraded',
      version: HUB_VERSION,
      uptimeS: (Date.now() - started) / 1000,
      store: app.store.kind,
      broker: `${app.broker.mode} ${connected ? 'connected' : 'disconnected'}`,
    } as const;
  });
};

export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/metrics', {
    schema: { tags: ['system'], response: { 200: z.string().describe('Prometheus text exposition') } },
  }, async (_request, reply) => {
    const body = await app.metrics.registry.metrics();
    return reply.type(app.metrics.registry.contentType).send(body);
  });
};
