/** The REST API: every route under `/api`, each group an encapsulated plugin. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { resolveUser } from './access.ts';
import { adminRoutes } from './admin-routes.ts';
import { attendanceRoutes } from './attendance-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { catalogRoutes } from './catalog-routes.ts';
import { guardianRoutes } from './guardian-routes.ts';
import { districtRoutes } from './district-routes.ts';
import { incidentRoutes } from './incident-routes.ts';
import { healthRoutes } from './system-routes.ts';

export const apiPlugin: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', resolveUser);
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(incidentRoutes);
  await app.register(catalogRoutes);
  await app.register(districtRoutes);
  await app.register(adminRoutes);
  await app.register(attendanceRoutes);
  await app.register(guardianRoutes);
};
