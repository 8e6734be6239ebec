/**
 * The guardian port (issue 26). Admin side: one-time invite codes for a guardian on the
 * roster, incident ↔ children links, notices. Public: sign-up with an invite (rate-limited
 * like login). Guardian side, `/api/guardian/*`: their own children only — every child
 * route first looks up the caller's link to that child and answers 404 without one (the
 * same answer as for an id that does not exist, so ids cannot be probed). No video, no
 * snapshot, no other child's name. Every guardian read and change is audited.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ErrorBody,
  GuardianCalendar,
  GuardianChild,
  GuardianConsentState,
  GuardianIncident,
  GuardianSignupBody,
  GuardianSignupResponse,
  Id,
  IncidentChildrenBody,
  InviteBody,
  InviteCreated,
  Month,
  NoticeBody,
  NoticeView,
  RedeemBody,
  UserView,
  type IncidentView,
} from '../../protocol/index.ts';
import { subsidyRow } from '../attendance/rules.ts';
import { hashPassword, newToken, sha256Hex } from '../auth/passwords.ts';
import { HubError } from '../errors.ts';
import { DEFAULT_TIME_ZONE, dayStartMs } from '../store/days.ts';
import type { GuardianLink } from '../store/guardian-types.ts';
import type { Scope } from '../store/types.ts';
import { SESSION_COOKIE, currentUser, requireRole, scopeOf } from './access.ts';

const IdParams = z.object({ id: Id });

/** Tells a child's guardians that an incident concerning the child was closed. */
export function notifyIncidentClosed(app: FastifyInstance, inc: IncidentView, childId: string): void {
  app.live.pushGuardian(inc.institutionId, childId, (childName) => ({ type: 'incident_closed', childId, childName, incidentId: inc.id, kind: inc.kind, outcome: inc.outcome, closedAt: inc.closedAt }));
}
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 16 symbols from a 32-letter alphabet: 80 bits, printed as ABCD-EFGH-JKLM-NPQR. */
export function newInviteCode(): string {
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % 32]!);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}
const codeHash = (code: string) => sha256Hex(`invite:${code.trim().toUpperCase()}`);

const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}`;
};

export const guardianRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store, actions, configChannel, hubConfig } = app;
  const g = store.guardian;
  const a = store.attendance;
  const admin = requireRole('institution_admin');
  const guardian = requireRole('guardian');
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
  const childErrors = { ...errors, 404: ErrorBody };
  const now = () => new Date().toISOString();
  const instScope = (institutionId: string): Scope => ({ kind: 'institution', institutionId });

  /** The caller's link to the child, or 404 (never 403: a guessed id reveals nothing). */
  const ownChild = async (request: Parameters<typeof currentUser>[0], childId: string, action: string): Promise<GuardianLink> => {
    const user = currentUser(request);
    const link = await g.linkFor(user.id, childId);
    if (!link || link.institutionId !== user.institutionId) {
      await actions.audit(user, 'access.denied', `guardian:${action}`, user.institutionId, { childId });
      throw new HubError('NOT_FOUND', `child ${childId} not found`);
    }
    await actions.audit(user, `guardian.${action}`, `child:${childId}`, link.institutionId, null);
    return link;
  };

  // ---- admin side ----
  app.post('/children/:id/invites', { preHandler: admin, schema: { tags: ['guardian'], params: IdParams, body: InviteBody, response: { 200: InviteCreated, ...childErrors } } }, async (request) => {
    const user = currentUser(request);
    const inst = user.institutionId ?? '';
    const child = await a.getChild(scopeOf(user), inst, request.params.id);
    if (!child) throw new HubError('NOT_FOUND', `child ${request.params.id} not found`);
    const guardianRecord = child.guardians[request.body.guardian];
    if (!guardianRecord) throw new HubError('BAD_REQUEST', `child ${child.id} has no guardian number ${request.body.guardian} on the roster`);
    const code = newInviteCode();
    const createdAt = now();
    const expiresAt = new Date(Date.now() + request.body.days * 86_400_000).toISOString();
    if (!(await g.createInvite(codeHash(code), { institutionId: inst, childId: child.id, guardianN: request.body.guardian, createdBy: user.username, createdAt, expiresAt }))) {
      throw new HubError('BAD_REQUEST', 'that guardian is not on the roster');
    }
    // The code itself is never stored or audited, only that one was made.
    await actions.audit(user, 'guardian.invite', `child:${child.id}`, inst, { guardian: request.body.guardian, expiresAt });
    return { code, childId: child.id, guardianName: guardianRecord.name, expiresAt };
  });

  app.put('/incidents/:id/children', { preHandler: admin, schema: { tags: ['guardian'], params: IdParams, body: IncidentChildrenBody, response: { 200: z.object({ childIds: z.array(Id) }), ...childErrors } } }, async (request) => {
    const user = currentUser(request);
    const inc = await store.getIncident(scopeOf(user), request.params.id);
    if (!inc) throw new HubError('NOT_FOUND', `incident ${request.params.id} not found`);
    const before = new Set(await g.incidentChildren(inc.institutionId, inc.id));
    const res = await g.linkIncident(inc.institutionId, inc.id, request.body.childIds, user.username, now());
    if (res.unknown.length > 0) throw new HubError('BAD_REQUEST', `not on your roster: ${res.unknown.join(', ')}`);
    await actions.audit(user, 'incident.children', `incident:${inc.id}`, inc.institutionId, { children: request.body.childIds.length });
    // Linked after closing: the newly linked children's guardians are told now.
    if (inc.closedAt) for (const c of new Set(request.body.childIds)) if (!before.has(c)) notifyIncidentClosed(app, inc, c);
    return { childIds: await g.incidentChildren(inc.institutionId, inc.id) };
  });

  app.get('/incidents/:id/children', { preHandler: requireRole('supervisor', 'institution_admin'), schema: { tags: ['guardian'], params: IdParams, response: { 200: z.object({ childIds: z.array(Id) }), ...childErrors } } }, async (request) => {
    const user = currentUser(request);
    const inc = await store.getIncident(scopeOf(user), request.params.id);
    if (!inc) throw new HubError('NOT_FOUND', `incident ${request.params.id} not found`);
    return { childIds: await g.incidentChildren(inc.institutionId, inc.id) };
  });

  app.post('/notices', { preHandler: admin, schema: { tags: ['guardian'], body: NoticeBody, response: { 200: z.object({ id: z.string() }), ...errors } } }, async (request) => {
    const user = currentUser(request);
    const id = randomUUID();
    await g.postNotice({ id, institutionId: user.institutionId ?? '', title: request.body.title, body: request.body.body, postedBy: user.username, postedAt: now() });
    await actions.audit(user, 'notice.post', `notice:${id}`, user.institutionId, null);
    return { id };
  });

  app.get('/notices', { preHandler: admin, schema: { tags: ['guardian'], response: { 200: z.array(NoticeView), ...errors } } }, async (request) => {
    const user = currentUser(request);
    return (await g.listNotices(user.institutionId ?? '', 200)).map((n) => ({ id: n.id, title: n.title, body: n.body, postedAt: n.postedAt, unread: false }));
  });

  // ---- sign-up (public, rate-limited like login) ----
  app.post('/auth/guardian-signup', {
    schema: { tags: ['auth'], body: GuardianSignupBody, response: { 200: GuardianSignupResponse, 400: ErrorBody, 409: ErrorBody, 429: ErrorBody } },
    config: { rateLimit: { max: hubConfig.loginRateLimit.max, timeWindow: hubConfig.loginRateLimit.windowMs } },
  }, async (request, reply) => {
    const b = request.body;
    const at = now();
    const res = await g.redeemInvite(codeHash(b.code), { username: b.username, displayName: b.displayName, passwordHash: await hashPassword(b.password) }, at);
    if (res.outcome === 'username_taken') throw new HubError('CONFLICT', `username ${b.username} is taken`);
    if (res.outcome !== 'created') {
      await store.audit({ at, actor: `signup:${b.username}`, action: 'guardian.signup_refused', target: 'invite', institutionId: null, detail: { reason: res.outcome, address: request.ip } });
      // One answer for unknown, used and expired codes: a guesser learns nothing.
      throw new HubError('BAD_REQUEST', 'this invite code is not valid (unknown, used or expired); ask the institution for a new one');
    }
    const user = UserView.parse(await store.getUser(res.userId));
    await actions.audit(user, 'guardian.signup', `child:${res.link.childId}`, res.link.institutionId, { guardian: res.link.guardianN });
    const token = newToken();
    const expires = new Date(Date.now() + hubConfig.sessionTtlHours * 3_600_000);
    await store.createSession(sha256Hex(token), user.id, expires.toISOString());
    reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', expires });
    return { user, token };
  });

  // ---- guardian side ----
  app.post('/guardian/invites', {
    preHandler: guardian,
    schema: { tags: ['guardian'], body: RedeemBody, response: { 200: z.object({ childId: Id }), ...errors } },
    config: { rateLimit: { max: hubConfig.loginRateLimit.max, timeWindow: hubConfig.loginRateLimit.windowMs } },
  }, async (request) => {
    const user = currentUser(request);
    const res = await g.redeemInviteFor(codeHash(request.body.code), user.id, user.institutionId ?? '', now());
    if (res.outcome !== 'created') {
      await actions.audit(user, 'guardian.redeem_refused', 'invite', user.institutionId, { reason: res.outcome });
      throw new HubError('BAD_REQUEST', 'this invite code is not valid (unknown, used or expired); ask the institution for a new one');
    }
    await actions.audit(user, 'guardian.redeem', `child:${res.link.childId}`, res.link.institutionId, null);
    return { childId: res.link.childId };
  });

  app.get('/guardian/children', { preHandler: guardian, schema: { tags: ['guardian'], response: { 200: z.array(GuardianChild), ...errors } } }, async (request) => {
    const user = currentUser(request);
    const links = await g.linksOf(user.id);
    const rooms = new Map((await store.listRooms(instScope(user.institutionId ?? ''))).map((r) => [r.id, r.name]));
    const out: GuardianChild[] = [];
    for (const l of links) {
      const c = await a.getChild(instScope(l.institutionId), l.institutionId, l.childId);
      if (!c) continue;
      out.push({ id: c.id, name: c.name, classType: c.classType, roomId: c.roomId, roomName: c.roomId ? rooms.get(c.roomId) ?? null : null, enrolledFrom: c.enrolledFrom, enrolledTo: c.enrolledTo, guardianName: c.guardians[l.guardianN]?.name ?? user.displayName, faceConsent: c.faceConsent });
    }
    await actions.audit(user, 'guardian.children', `user:${user.id}`, user.institutionId, { children: out.length });
    return out;
  });

  app.get('/guardian/children/:id/calendar', { preHandler: guardian, schema: { tags: ['guardian'], params: IdParams, querystring: z.object({ month: Month }), response: { 200: GuardianCalendar, ...childErrors } } }, async (request) => {
    const link = await ownChild(request, request.params.id, 'calendar');
    const scope = instScope(link.institutionId);
    const month = request.query.month;
    const zone = (await store.listInstitutions(scope)).find((i) => i.id === link.institutionId)?.timeZone ?? DEFAULT_TIME_ZONE;
    const days = (await a.listDays(scope, link.institutionId, `${month}-01`, `${month}-31`)).filter((d) => d.childId === link.childId);
    const events = (await a.listEvents(scope, link.institutionId, {
      from: new Date(dayStartMs(`${month}-01`, zone)).toISOString(),
      to: new Date(dayStartMs(`${nextMonth(month)}-01`, zone)).toISOString(),
    })).filter((e) => e.childId === link.childId && e.state !== 'rejected');
    // The subsidy report's own code and rules: a submitted report's row, else today's draft.
    const stored = await a.getStoredReport(scope, link.institutionId, month);
    let row = stored?.rows.find((r) => r.childId === link.childId) ?? null;
    if (!stored) {
      const rec = (await a.monthRecords(scope, link.institutionId, month))?.find((r) => r.childId === link.childId);
      row = rec ? subsidyRow(rec, app.subsidyRules) : null;
    }
    const subsidy = row ? { childId: row.childId, classType: row.classType, fullDays: row.fullDays, halfDays: row.halfDays, countedDays: row.countedDays, fullMonth: row.fullMonth } : null;
    return { childId: link.childId, month, timeZone: zone, days, events: events.map((e) => ({ id: e.id, direction: e.direction, at: e.at, source: e.source, state: e.state })), subsidy };
  });

  const incidentsOf = async (link: GuardianLink): Promise<GuardianIncident[]> => {
    const scope = instScope(link.institutionId);
    const rooms = new Map((await store.listRooms(scope)).map((r) => [r.id, r.name]));
    const out: GuardianIncident[] = [];
    for (const id of await g.incidentsOfChild(link.institutionId, link.childId)) {
      const i = await store.getIncident(scope, id);
      // Only closed incidents: the outcome and the note are the institution's account of it.
      if (!i?.closedAt) continue;
      out.push({ id: i.id, kind: i.kind, startedAt: i.startedAt, closedAt: i.closedAt, roomId: i.roomId, roomName: i.roomId ? rooms.get(i.roomId) ?? null : null, outcome: i.outcome, note: i.note });
    }
    return out;
  };

  app.get('/guardian/children/:id/incidents', { preHandler: guardian, schema: { tags: ['guardian'], params: IdParams, response: { 200: z.array(GuardianIncident), ...childErrors } } }, async (request) => {
    return incidentsOf(await ownChild(request, request.params.id, 'incidents'));
  });

  app.get('/guardian/notices', { preHandler: guardian, schema: { tags: ['guardian'], response: { 200: z.array(NoticeView), ...errors } } }, async (request) => {
    const user = currentUser(request);
    const seen = await g.noticesSeenAt(user.id);
    const list = await g.listNotices(user.institutionId ?? '', 50);
    await g.markNoticesSeen(user.id, now());
    await actions.audit(user, 'guardian.notices', `institution:${user.institutionId}`, user.institutionId, { notices: list.length });
    return list.map((n) => ({ id: n.id, title: n.title, body: n.body, postedAt: n.postedAt, unread: seen === null || n.postedAt > seen }));
  });

  const consentState = async (link: GuardianLink) => {
    const scope = instScope(link.institutionId);
    const history = await a.listConsents(scope, link.institutionId, link.childId);
    const edges = (await a.edgeConfigStates(scope, link.institutionId)).map((e) => ({ edgeId: e.edgeId, holdsTemplate: e.enrolled.includes(link.childId), version: e.version, ackedVersion: e.ackedVersion, ackedAt: e.ackedAt, deletedAt: e.deletedAt }));
    return { childId: link.childId, faceConsent: history.some((c) => c.withdrawnAt === null), history, edges };
  };

  app.get('/guardian/children/:id/consent', { preHandler: guardian, schema: { tags: ['guardian'], params: IdParams, response: { 200: GuardianConsentState, ...childErrors } } }, async (request) => {
    return consentState(await ownChild(request, request.params.id, 'consent.read'));
  });

  // Grant and withdraw use the attendance consent code, so the edges hear through the config channel.
  app.post('/guardian/children/:id/consent', { preHandler: guardian, schema: { tags: ['guardian'], params: IdParams, response: { 200: GuardianConsentState, ...childErrors } } }, async (request) => {
    const user = currentUser(request);
    const link = await ownChild(request, request.params.id, 'consent.grant');
    const c = await a.grantConsent(instScope(link.institutionId), link.institutionId, link.childId, { guardianName: user.displayName, grantedAt: now(), by: user.username });
    if (!c) throw new HubError('NOT_FOUND', `child ${link.childId} not found`);
    await actions.audit(user, 'consent.grant', `child:${link.childId}`, link.institutionId, { scope: c.scope, consentId: c.id, grantedAt: c.grantedAt, by: 'guardian' });
    await configChannel.push(link.institutionId, user.username, 'consent granted by a guardian');
    return consentState(link);
  });

  app.delete('/guardian/children/:id/consent', { preHandler: guardian, schema: { tags: ['guardian'], params: IdParams, response: { 200: GuardianConsentState, ...childErrors } } }, async (request) => {
    const user = currentUser(request);
    const link = await ownChild(request, request.params.id, 'consent.withdraw');
    const c = await a.withdrawConsent(instScope(link.institutionId), link.institutionId, link.childId, user.username, now());
    if (!c) throw new HubError('NOT_FOUND', `no face consent in force for child ${link.childId}`);
    await actions.audit(user, 'consent.withdraw', `child:${link.childId}`, link.institutionId, { scope: c.scope, consentId: c.id, withdrawnAt: c.withdrawnAt, by: 'guardian' });
    await configChannel.push(link.institutionId, user.username, 'consent withdrawn by a guardian');
    return consentState(link);
  });

  // PIPL art. 45: everything held about the child, as a file.
  app.get('/guardian/children/:id/export', { preHandler: guardian, schema: { tags: ['guardian'], params: IdParams, response: { 200: z.any().describe('application/json attachment'), ...childErrors } } }, async (request, reply) => {
    const link = await ownChild(request, request.params.id, 'export');
    const scope = instScope(link.institutionId);
    const child = await a.getChild(scope, link.institutionId, link.childId);
    if (!child) throw new HubError('NOT_FOUND', `child ${link.childId} not found`);
    const from = child.enrolledFrom;
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const days = (await a.listDays(scope, link.institutionId, from, to)).filter((d) => d.childId === link.childId);
    // From a day before enrolment (time zones) to tomorrow: every event the hub holds of the child.
    const events = (await a.listEvents(scope, link.institutionId, { from: new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() })).filter((e) => e.childId === link.childId);
    const reports = (await a.listSubmissions(scope)).map((s) => s.month);
    const subsidy = [];
    for (const m of reports) {
      const r = await a.getStoredReport(scope, link.institutionId, m);
      const row = r?.rows.find((x) => x.childId === link.childId);
      if (r && row) subsidy.push({ month: m, status: r.status, row });
    }
    const body = {
      exportedAt: now(),
      note: 'Everything the Anyu hub holds about this child. Face photos and templates are never sent to the hub: they exist only on the entrance edge devices while consent is in force.',
      child,
      consent: await consentState(link),
      attendanceDays: days,
      attendanceEvents: events,
      subsidyReports: subsidy,
      incidents: await incidentsOf(link),
    };
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="anyu-child-${link.childId}.json"`)
      .header('cache-control', 'private, no-store')
      .send(JSON.stringify(body, null, 2));
  });
};
