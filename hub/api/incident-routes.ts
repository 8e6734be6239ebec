/**
 * `/api/incidents/*`: list, CSV export, detail, ack, close, legal hold, snapshot; `/api/alarms`.
 * A regulator reads incidents without people's data (regulator-view.ts).
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AlarmBody,
  CloseBody,
  ErrorBody,
  Id,
  IncidentDetail,
  IncidentKind,
  IncidentPage,
  IncidentQuery,
  IncidentView,
  ReviewStatus,
} from '../../protocol/index.ts';
import { HubError } from '../errors.ts';
import type { IncidentFilter } from '../store/types.ts';
import { currentUser, requireRole, scopeOf } from './access.ts';
import { sendCsv } from './csv.ts';
import { incidentFor, regulatorDetail } from './regulator-view.ts';
import { notifyIncidentClosed } from './guardian-routes.ts';

const IdParams = z.object({ id: Id });
const LegalHoldBody = z.object({ hold: z.boolean() });
const EXPORT_MAX_ROWS = 100_000;
const EXPORT_PAGE = 500;

function csvList<T extends string>(raw: string | undefined, schema: z.ZodType<T>, name: string): T[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  return raw.split(',').map((v) => {
    const r = schema.safeParse(v.trim());
    if (!r.success) throw new HubError('BAD_REQUEST', `unknown ${name} '${v.trim().slice(0, 40)}'`);
    return r.data;
  });
}

export function toFilter(q: IncidentQuery): IncidentFilter {
  return {
    from: q.from,
    to: q.to,
    kinds: csvList(q.kind, IncidentKind, 'kind'),
    statuses: csvList(q.status, ReviewStatus, 'status'),
    active: q.active === undefined ? undefined : q.active === 'true',
    cameraId: q.cameraId,
    zoneId: q.zoneId,
    roomId: q.roomId,
    institutionId: q.institutionId,
    limit: q.limit,
    offset: q.offset,
  };
}

const CSV_COLUMNS = [
  'id', 'institutionId', 'edgeId', 'cameraId', 'roomId', 'zoneId', 'zoneName', 'kind', 'severity', 'status', 'active',
  'startedAt', 'updatedAt', 'resolvedAt', 'acknowledgedAt', 'acknowledgedBy', 'closedAt', 'closedBy',
  'outcome', 'note', 'message', 'raisedBy', 'legalHold',
] as const satisfies readonly (keyof IncidentView)[];

export const incidentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store, actions } = app;
  const all = requireRole('supervisor', 'institution_admin', 'regulator');

  app.get('/incidents', {
    preHandler: all,
    schema: { tags: ['incidents'], querystring: IncidentQuery, response: { 200: IncidentPage, 400: ErrorBody, 401: ErrorBody } },
  }, async (request) => {
    const user = currentUser(request);
    const filter = toFilter(request.query);
    const page = await store.listIncidents(scopeOf(user), filter);
    return { items: page.items.map((i) => incidentFor(user, i)), total: page.total, limit: filter.limit, offset: filter.offset };
  });

  app.get('/incidents/export.csv', {
    preHandler: requireRole('institution_admin', 'regulator'),
    schema: {
      tags: ['incidents'],
      querystring: IncidentQuery.omit({ limit: true, offset: true }),
      response: { 200: z.string().describe('UTF-8 CSV with BOM'), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    const scope = scopeOf(user);
    const filter = toFilter({ ...request.query, limit: EXPORT_PAGE, offset: 0 });
    const rows: IncidentView[] = [];
    for (let offset = 0; offset < EXPORT_MAX_ROWS; offset += EXPORT_PAGE) {
      const page = await store.listIncidents(scope, { ...filter, offset });
      rows.push(...page.items.map((i) => incidentFor(user, i)));
      if (page.items.length < EXPORT_PAGE) break;
    }
    await actions.audit(user, 'incident.export', 'export:incidents', user.institutionId, { rows: rows.length, query: request.query });
    return sendCsv(reply, 'anyu-incidents.csv', CSV_COLUMNS, rows.map((r) => CSV_COLUMNS.map((c) => r[c])));
  });

  app.get('/incidents/:id', {
    preHandler: all,
    schema: { tags: ['incidents'], params: IdParams, response: { 200: IncidentDetail, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody } },
  }, async (request) => {
    const user = currentUser(request);
    const detail = await store.getIncident(scopeOf(user), request.params.id);
    if (!detail) throw new HubError('NOT_FOUND', `incident ${request.params.id} not found`);
    return user.role === 'regulator' ? regulatorDetail(detail) : detail;
  });

  app.post('/incidents/:id/ack', {
    preHandler: requireRole('supervisor', 'institution_admin'),
    schema: { tags: ['incidents'], params: IdParams, response: { 200: IncidentView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } },
  }, async (request) => actions.acknowledge(currentUser(request), request.params.id));

  app.post('/alarms', {
    preHandler: requireRole('supervisor', 'institution_admin'),
    schema: { tags: ['incidents'], body: AlarmBody, response: { 200: IncidentView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody } },
  }, async (request) => actions.raiseAlarm(currentUser(request), request.body));

  app.post('/incidents/:id/close', {
    preHandler: requireRole('institution_admin'),
    schema: { tags: ['incidents'], params: IdParams, body: CloseBody, response: { 200: IncidentView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } },
  }, async (request) => {
    const user = currentUser(request);
    const { childIds } = request.body;
    if (childIds) {
      // Link first (it checks the children are on the roster), then close and tell their guardians.
      const inc = await store.getIncident(scopeOf(user), request.params.id);
      if (!inc) throw new HubError('NOT_FOUND', `incident ${request.params.id} not found`);
      const res = await store.guardian.linkIncident(inc.institutionId, inc.id, childIds, user.username, new Date().toISOString());
      if (res.unknown.length > 0) throw new HubError('BAD_REQUEST', `not on your roster: ${res.unknown.join(', ')}`);
      await actions.audit(user, 'incident.children', `incident:${inc.id}`, inc.institutionId, { children: childIds.length });
    }
    const view = await actions.close(user, request.params.id, request.body.outcome, request.body.note);
    for (const c of await store.guardian.incidentChildren(view.institutionId, view.id)) notifyIncidentClosed(app, view, c);
    return view;
  });

  app.post('/incidents/:id/legal-hold', {
    preHandler: requireRole('institution_admin'),
    schema: { tags: ['incidents'], params: IdParams, body: LegalHoldBody, response: { 200: IncidentView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } },
  }, async (request) => actions.legalHold(currentUser(request), request.params.id, request.body.hold));

  app.get('/incidents/:id/snapshot', {
    preHandler: requireRole('supervisor', 'institution_admin'),
    schema: {
      tags: ['incidents'],
      params: IdParams,
      response: { 200: z.any().describe('image/jpeg'), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    const jpeg = await store.getSnapshot(scopeOf(user), request.params.id);
    if (!jpeg) throw new HubError('NOT_FOUND', `no snapshot for incident ${request.params.id}`);
    await actions.audit(user, 'snapshot.view', `snapshot:${request.params.id}`, user.institutionId, null);
    return reply.type('image/jpeg').header('cache-control', 'private, no-store').send(jpeg);
  });
};
