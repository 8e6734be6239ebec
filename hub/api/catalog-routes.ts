/** `/api/{cameras,rooms,institutions,coverage,stats,audit}`: tenant-scoped reads. */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CameraView,
  CoverageQuery,
  CoverageReport,
  ErrorBody,
  InstitutionView,
  RoomView,
  StatsResponse,
} from '../../protocol/index.ts';
import { HubError } from '../errors.ts';
import type { Scope, Store } from '../store/types.ts';
import { currentUser, requireRole, scopeOf } from './access.ts';
import { auditFor } from './regulator-view.ts';

/** Computes the cloud-supervision coverage report (hub/coverage) for a scope. */
export type CoverageFn = (store: Store, scope: Scope, query: CoverageQuery) => Promise<CoverageReport>;

export const AuditEntryView = z.object({
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  institutionId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

const AuditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const StatsQuery = CoverageQuery.pick({ from: true, to: true });

export function checkRange(from: string, to: string): void {
  if (from > to) throw new HubError('BAD_REQUEST', '`from` must not be after `to`');
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days > 366 * 3) throw new HubError('BAD_REQUEST', 'the period may span at most three years');
}

export const catalogRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store } = app;
  const all = requireRole('supervisor', 'institution_admin', 'regulator');
  const denied = { 401: ErrorBody, 403: ErrorBody };

  app.get('/cameras', { preHandler: all, schema: { tags: ['catalog'], response: { 200: z.array(CameraView), ...denied } } },
    async (request) => store.listCameras(scopeOf(currentUser(request))));

  app.get('/rooms', { preHandler: all, schema: { tags: ['catalog'], response: { 200: z.array(RoomView), ...denied } } },
    async (request) => store.listRooms(scopeOf(currentUser(request))));

  app.get('/institutions', { preHandler: all, schema: { tags: ['catalog'], response: { 200: z.array(InstitutionView), ...denied } } },
    async (request) => store.listInstitutions(scopeOf(currentUser(request))));

  app.get('/coverage', {
    preHandler: requireRole('regulator', 'institution_admin'),
    schema: { tags: ['coverage'], querystring: CoverageQuery, response: { 200: CoverageReport, 400: ErrorBody, ...denied, 503: ErrorBody } },
  }, async (request) => {
    if (!app.coverage) throw new HubError('NOT_AVAILABLE', 'coverage is not available on this hub');
    checkRange(request.query.from, request.query.to);
    return app.coverage(store, scopeOf(currentUser(request)), request.query);
  });

  app.get('/stats', {
    preHandler: all,
    schema: { tags: ['coverage'], querystring: StatsQuery, response: { 200: StatsResponse, 400: ErrorBody, ...denied } },
  }, async (request) => {
    checkRange(request.query.from, request.query.to);
    return store.incidentStats(scopeOf(currentUser(request)), request.query);
  });

  app.get('/audit', {
    preHandler: requireRole('institution_admin', 'regulator'),
    schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: z.array(AuditEntryView), 400: ErrorBody, ...denied } },
  }, async (request) => {
    const user = currentUser(request);
    return (await store.listAudit(scopeOf(user), request.query.limit)).map((e) => auditFor(user, e));
  });
};
