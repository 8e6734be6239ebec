/**
 * Attendance (issue 25): the roster and its CSV import, guardians' face consent (which
 * drives the hub → edge config channel), staff check-in/out for a whole class, card and QR
 * scans through the same API, face proposals staff confirm, the monthly subsidy report
 * (CSV, submit → locked, regulator approves), and the regulator's statistics. Admins and
 * supervisors act on their own institution only; regulators read aggregates of their
 * region and never a child's name. Every change is audited.
 */
import { randomUUID } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AttendanceDayView,
  AttendanceEventView,
  CheckBody,
  ChildBody,
  ChildView,
  ConsentBody,
  ConsentView,
  CrossCheckFlag,
  DecideBody,
  EdgeConfigState,
  ErrorBody,
  Id,
  Month,
  PlaceStats,
  PlacesBody,
  ScanBody,
  SubmissionView,
  SubsidyReport,
  type ClassType,
  type UserView,
} from '../../protocol/index.ts';
import { classTypeFor, subsidyRow, subsidyTotals, UNDER_2 } from '../attendance/rules.ts';
import { HubError } from '../errors.ts';
import { DEFAULT_TIME_ZONE, dayStartMs, localDate, nextDate } from '../store/days.ts';
import type { InstitutionPlaces } from '../store/attendance-types.ts';
import { currentUser, requireRole, scopeOf } from './access.ts';
import { sendCsv } from './csv.ts';

const IdParams = z.object({ id: Id });
const DateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const CsvLang = z.enum(['zh-CN', 'en']).default('zh-CN');
/** Children per CSV import; a large institution has a few hundred. */
const IMPORT_MAX_ROWS = 2000;

const CHECK_RESULT = z.object({ childId: Id, outcome: z.enum(['applied', 'duplicate', 'unknown_child']), event: AttendanceEventView.optional() });

function ownInstitution(user: UserView): string {
  if (!user.institutionId) throw new HubError('FORBIDDEN', 'your account has no institution');
  return user.institutionId;
}

const REPORT_WORDS = {
  'zh-CN': {
    columns: ['幼儿编号', '姓名', '班型', '全天天数', '半天天数', '折算天数', '满月', '补助金额（元）'],
    classes: { infant: '乳儿班', toddler_small: '托小班', toddler_large: '托大班', mixed: '混龄班', home: '家庭托育点' },
    total: '合计',
    yes: '是',
    no: '否',
  },
  en: {
    columns: ['child id', 'name', 'class', 'full days', 'half days', 'counted days', 'full month', 'subsidy (yuan)'],
    classes: { infant: 'Infant (乳儿班)', toddler_small: 'Young toddler (托小班)', toddler_large: 'Older toddler (托大班)', mixed: 'Mixed', home: 'Home childcare point' },
    total: 'total',
    yes: 'yes',
    no: 'no',
  },
} as const satisfies Record<string, { columns: readonly string[]; classes: Record<ClassType, string>; total: string; yes: string; no: string }>;

/** Import columns; `guardian*` describe one guardian (more through the page or the API). */
const IMPORT_COLUMNS = ['id', 'name', 'birthMonth', 'classType', 'roomId', 'enrolledFrom', 'enrolledTo', 'guardianName', 'guardianRelation', 'guardianPhone'] as const;

export const attendanceRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store, actions, configChannel } = app;
  const a = store.attendance;
  const admin = requireRole('institution_admin');
  const staff = requireRole('supervisor', 'institution_admin');
  const regulator = requireRole('regulator');
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
  const now = () => new Date().toISOString();

  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  const toChild = (institutionId: string, b: ChildBody) => ({
    institutionId,
    id: b.id,
    name: b.name,
    birthMonth: b.birthMonth,
    classType: b.classType ?? classTypeFor(b.birthMonth, b.enrolledFrom),
    roomId: b.roomId ?? null,
    enrolledFrom: b.enrolledFrom,
    enrolledTo: b.enrolledTo ?? null,
    guardians: b.guardians,
  });

  // ---- roster ----
  app.get('/children', { preHandler: staff, schema: { tags: ['attendance'], response: { 200: z.array(ChildView), ...errors } } }, async (request) => {
    const user = currentUser(request);
    return a.listChildren(scopeOf(user), ownInstitution(user));
  });

  app.post('/children', { preHandler: admin, schema: { tags: ['attendance'], body: ChildBody, response: { 200: ChildView, ...errors } } }, async (request) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    const child = toChild(inst, request.body);
    const res = await a.saveChild(scopeOf(user), child, now());
    if (res === 'unknown_room') throw new HubError('BAD_REQUEST', `no room ${child.roomId} in your institution`);
    if (res === 'out_of_scope') throw new HubError('FORBIDDEN', 'your institution is not registered');
    // Names and phone numbers are personal data: the audit says what changed, not the values.
    await actions.audit(user, 'child.save', `child:${child.id}`, inst, { classType: child.classType, roomId: child.roomId, enrolledFrom: child.enrolledFrom, enrolledTo: child.enrolledTo, guardians: child.guardians.length });
    return (await a.getChild(scopeOf(user), inst, child.id))!;
  });

  app.delete('/children/:id', { preHandler: admin, schema: { tags: ['attendance'], params: IdParams, response: { 204: z.null(), ...errors, 404: ErrorBody, 409: ErrorBody } } }, async (request, reply) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    const hadConsent = (await a.getChild(scopeOf(user), inst, request.params.id))?.faceConsent ?? false;
    const res = await a.deleteChild(scopeOf(user), inst, request.params.id);
    if (res === 'missing') throw new HubError('NOT_FOUND', `child ${request.params.id} not found`);
    if (res === 'has_attendance') throw new HubError('CONFLICT', 'this child has attendance records the subsidy needs: set the end of enrolment instead');
    await actions.audit(user, 'child.delete', `child:${request.params.id}`, inst, null);
    // Deleting a child with consent ends the consent too: the edges must delete the templates.
    if (hadConsent) await configChannel.push(inst, user.username, 'child deleted');
    return reply.code(204).send(null);
  });

  app.post('/children/import', {
    preHandler: admin,
    schema: {
      tags: ['attendance'],
      description: `CSV (text/csv, UTF-8, header row) with columns ${IMPORT_COLUMNS.join(', ')}; all rows or none are imported`,
      body: z.string().max(2 * 1024 * 1024),
      response: { 200: z.object({ imported: z.number().int() }), 400: ErrorBody.extend({ lines: z.array(z.object({ line: z.number().int(), message: z.string() })).optional() }), 401: ErrorBody, 403: ErrorBody },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    let records: Record<string, string>[];
    try {
      records = parseCsv(request.body.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true, relax_column_count: false, max_record_size: 10_000 }) as Record<string, string>[];
    } catch (err) {
      throw new HubError('BAD_REQUEST', `not a CSV file: ${(err as Error).message}`);
    }
    if (records.length === 0) throw new HubError('BAD_REQUEST', 'the CSV has no rows');
    if (records.length > IMPORT_MAX_ROWS) throw new HubError('BAD_REQUEST', `at most ${IMPORT_MAX_ROWS} rows per import`);
    const unknownColumns = Object.keys(records[0]!).filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c));
    if (unknownColumns.length > 0) throw new HubError('BAD_REQUEST', `unknown column(s) ${unknownColumns.join(', ')}; expected ${IMPORT_COLUMNS.join(', ')}`);
    const lines: { line: number; message: string }[] = [];
    const children: ChildBody[] = [];
    const seen = new Set<string>();
    for (const [i, r] of records.entries()) {
      const blank = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
      const parsed = ChildBody.safeParse({
        id: r.id,
        name: r.name,
        birthMonth: r.birthMonth,
        ...(blank(r.classType) ? { classType: r.classType } : {}),
        roomId: blank(r.roomId) ?? null,
        enrolledFrom: r.enrolledFrom,
        enrolledTo: blank(r.enrolledTo) ?? null,
        guardians: blank(r.guardianName) ? [{ name: r.guardianName, ...(blank(r.guardianRelation) ? { relation: r.guardianRelation } : {}), ...(blank(r.guardianPhone) ? { phone: r.guardianPhone } : {}) }] : [],
      });
      // Line numbers as a spreadsheet shows them: the header is line 1.
      if (!parsed.success) lines.push({ line: i + 2, message: parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') });
      else if (seen.has(parsed.data.id)) lines.push({ line: i + 2, message: `id ${parsed.data.id} appears twice` });
      else {
        seen.add(parsed.data.id);
        children.push(parsed.data);
      }
    }
    const rooms = new Set((await store.listRooms(scopeOf(user))).filter((r) => r.institutionId === inst).map((r) => r.id));
    for (const [i, c] of children.entries()) {
      if (c.roomId && !rooms.has(c.roomId)) lines.push({ line: records.findIndex((r) => r.id === c.id) + 2 || i + 2, message: `roomId: no room ${c.roomId} in your institution` });
    }
    if (lines.length > 0) {
      return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: `${lines.length} line(s) are not valid; nothing was imported` }, lines: lines.sort((x, y) => x.line - y.line) });
    }
    const at = now();
    for (const c of children) {
      const res = await a.saveChild(scopeOf(user), toChild(inst, c), at);
      if (res !== 'saved') throw new HubError('BAD_REQUEST', `child ${c.id}: ${res}`);
    }
    await actions.audit(user, 'child.import', 'roster:csv', inst, { rows: children.length });
    return { imported: children.length };
  });

  // ---- consent ----
  app.get('/children/:id/consents', { preHandler: admin, schema: { tags: ['attendance'], params: IdParams, response: { 200: z.array(ConsentView), ...errors } } }, async (request) => {
    const user = currentUser(request);
    return a.listConsents(scopeOf(user), ownInstitution(user), request.params.id);
  });

  app.post('/children/:id/consent', { preHandler: admin, schema: { tags: ['attendance'], params: IdParams, body: ConsentBody, response: { 200: ConsentView, ...errors, 404: ErrorBody } } }, async (request) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    const c = await a.grantConsent(scopeOf(user), inst, request.params.id, { guardianName: request.body.guardianName, grantedAt: request.body.grantedAt ?? now(), by: user.username });
    if (!c) throw new HubError('NOT_FOUND', `child ${request.params.id} not found`);
    await actions.audit(user, 'consent.grant', `child:${request.params.id}`, inst, { scope: c.scope, consentId: c.id, grantedAt: c.grantedAt });
    await configChannel.push(inst, user.username, 'consent granted');
    return c;
  });

  app.delete('/children/:id/consent', { preHandler: admin, schema: { tags: ['attendance'], params: IdParams, response: { 200: ConsentView, ...errors, 404: ErrorBody } } }, async (request) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    const c = await a.withdrawConsent(scopeOf(user), inst, request.params.id, user.username, now());
    if (!c) throw new HubError('NOT_FOUND', `no face consent in force for child ${request.params.id}`);
    await actions.audit(user, 'consent.withdraw', `child:${request.params.id}`, inst, { scope: c.scope, consentId: c.id, withdrawnAt: c.withdrawnAt });
    await configChannel.push(inst, user.username, 'consent withdrawn');
    return c;
  });

  app.put('/places', { preHandler: admin, schema: { tags: ['attendance'], body: PlacesBody, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    if (!(await a.setPlaces(scopeOf(user), inst, request.body.places))) throw new HubError('FORBIDDEN', 'your institution is not registered');
    await actions.audit(user, 'places.save', `institution:${inst}`, inst, request.body.places);
    return reply.code(204).send(null);
  });

  // ---- config channel state ----
  app.get('/edges/config', { preHandler: admin, schema: { tags: ['attendance'], response: { 200: z.array(EdgeConfigState), ...errors } } }, async (request) => {
    const user = currentUser(request);
    return a.edgeConfigStates(scopeOf(user), ownInstitution(user));
  });

  app.post('/edges/config/push', { preHandler: admin, schema: { tags: ['attendance'], response: { 200: z.object({ published: z.array(z.object({ edgeId: Id, version: z.number().int() })) }), ...errors } } }, async (request) => {
    const user = currentUser(request);
    const pushed = await configChannel.push(ownInstitution(user), user.username, 'pushed by an admin');
    return { published: pushed.map((c) => ({ edgeId: c.edgeId, version: c.version })) };
  });

  // ---- check-in / check-out ----
  app.post('/attendance/check', { preHandler: staff, schema: { tags: ['attendance'], body: CheckBody, response: { 200: z.array(CHECK_RESULT), ...errors } } }, async (request) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    const at = request.body.at ?? now();
    const received = now();
    const out: z.infer<typeof CHECK_RESULT>[] = [];
    for (const childId of request.body.childIds) {
      const res = await a.recordEvent({ institutionId: inst, childId, edgeId: null, eventId: randomUUID(), direction: request.body.direction, at, source: 'staff', confidence: 1, needsConfirm: false, recordedBy: user.username, receivedAt: received });
      app.metrics.attendanceEvents.inc({ source: 'staff', outcome: res.outcome });
      if (res.outcome === 'applied' && res.event) app.live.pushAttendance(inst, res.event);
      out.push({ childId, outcome: res.outcome, ...(res.event ? { event: res.event } : {}) });
    }
    await actions.audit(user, 'attendance.check', 'attendance:staff', inst, { direction: request.body.direction, at, children: out.filter((o) => o.outcome === 'applied').map((o) => o.childId) });
    return out;
  });

  app.post('/attendance/scan', { preHandler: staff, schema: { tags: ['attendance'], body: ScanBody, response: { 200: CHECK_RESULT, ...errors } } }, async (request) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    const b = request.body;
    const res = await a.recordEvent({ institutionId: inst, childId: b.childId, edgeId: null, eventId: randomUUID(), direction: b.direction, at: b.at ?? now(), source: b.source, confidence: 1, needsConfirm: false, recordedBy: user.username, receivedAt: now() });
    app.metrics.attendanceEvents.inc({ source: b.source, outcome: res.outcome });
    if (res.outcome === 'unknown_child') throw new HubError('NOT_FOUND', `child ${b.childId} is not on your roster`);
    if (res.outcome === 'applied' && res.event) app.live.pushAttendance(inst, res.event);
    await actions.audit(user, 'attendance.scan', `child:${b.childId}`, inst, { source: b.source, direction: b.direction });
    return { childId: b.childId, outcome: res.outcome, ...(res.event ? { event: res.event } : {}) };
  });

  app.get('/attendance/events', {
    preHandler: staff,
    schema: { tags: ['attendance'], querystring: z.object({ date: DateOnly.optional(), pending: z.enum(['true', 'false']).optional() }), response: { 200: z.array(AttendanceEventView), ...errors } },
  }, async (request) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    const tz = (await store.listInstitutions(scopeOf(user))).find((i) => i.id === inst)?.timeZone ?? 'Asia/Shanghai';
    const date = request.query.date ?? localDate(Date.now(), tz);
    return a.listEvents(scopeOf(user), inst, { from: new Date(dayStartMs(date, tz)).toISOString(), to: new Date(dayStartMs(nextDate(date), tz)).toISOString(), pendingOnly: request.query.pending === 'true' });
  });

  app.post('/attendance/events/:id/decide', { preHandler: staff, schema: { tags: ['attendance'], params: z.object({ id: z.string().uuid() }), body: DecideBody, response: { 200: AttendanceEventView, ...errors, 404: ErrorBody } } }, async (request) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    const ev = await a.decide(scopeOf(user), inst, request.params.id, request.body.accept, user.username, now());
    if (!ev) throw new HubError('NOT_FOUND', `no proposal ${request.params.id} waiting for confirmation`);
    app.live.pushAttendance(inst, ev);
    await actions.audit(user, request.body.accept ? 'attendance.confirm' : 'attendance.reject', `attendance:${ev.id}`, inst, { childId: ev.childId, source: ev.source, confidence: ev.confidence });
    return ev;
  });

  app.get('/attendance/days', { preHandler: staff, schema: { tags: ['attendance'], querystring: z.object({ from: DateOnly, to: DateOnly }), response: { 200: z.array(AttendanceDayView), ...errors } } }, async (request) => {
    const user = currentUser(request);
    return a.listDays(scopeOf(user), ownInstitution(user), request.query.from, request.query.to);
  });

  // ---- monthly subsidy report ----
  const buildReport = async (user: UserView, institutionId: string, month: string): Promise<SubsidyReport> => {
    const scope = scopeOf(user);
    const stored = await a.getStoredReport(scope, institutionId, month);
    const inst = (await store.listInstitutions(scope)).find((i) => i.id === institutionId);
    if (!inst) throw new HubError('NOT_FOUND', `institution ${institutionId} not found`);
    let report: SubsidyReport;
    if (stored) report = stored;
    else {
      const records = (await a.monthRecords(scope, institutionId, month)) ?? [];
      const rules = app.subsidyRules;
      const rows = records.map((r) => subsidyRow(r, rules));
      report = { institutionId, month, timeZone: inst.timeZone, rules, rows, totals: subsidyTotals(rows), status: 'draft', submittedBy: null, submittedAt: null, approvedBy: null, approvedAt: null };
    }
    // Regulators read the numbers, never the names.
    if (user.role === 'regulator') report = { ...report, rows: report.rows.map(({ name: _n, ...r }) => r) };
    return report;
  };
  const reportQuery = z.object({ month: Month, institutionId: Id.optional() });
  const institutionFor = (user: UserView, requested?: string) => {
    if (user.role === 'regulator') {
      if (!requested) throw new HubError('BAD_REQUEST', 'institutionId is required');
      return requested;
    }
    return ownInstitution(user);
  };

  app.get('/attendance/report', { preHandler: requireRole('institution_admin', 'regulator'), schema: { tags: ['attendance'], querystring: reportQuery, response: { 200: SubsidyReport, ...errors, 404: ErrorBody } } }, async (request) => {
    const user = currentUser(request);
    return buildReport(user, institutionFor(user, request.query.institutionId), request.query.month);
  });

  app.get('/attendance/report.csv', {
    preHandler: requireRole('institution_admin', 'regulator'),
    schema: { tags: ['attendance'], querystring: reportQuery.extend({ lang: CsvLang }), response: { 200: z.string().describe('UTF-8 CSV with BOM'), ...errors, 404: ErrorBody } },
  }, async (request, reply) => {
    const user = currentUser(request);
    const inst = institutionFor(user, request.query.institutionId);
    const r = await buildReport(user, inst, request.query.month);
    const w = REPORT_WORDS[request.query.lang];
    const rows: unknown[][] = r.rows.map((x) => [x.childId, x.name ?? '', w.classes[x.classType], x.fullDays, x.halfDays, x.countedDays, x.fullMonth ? w.yes : w.no, x.amount.toFixed(2)]);
    rows.push([w.total, '', '', r.totals.fullDays, r.totals.halfDays, r.totals.countedDays, r.totals.fullMonths, r.totals.amount.toFixed(2)]);
    await actions.audit(user, 'report.export', `report:${inst}:${r.month}`, inst, { status: r.status, rows: r.rows.length });
    return sendCsv(reply, `anyu-subsidy-${inst}-${r.month}.csv`, w.columns, rows);
  });

  app.post('/attendance/report/submit', { preHandler: admin, schema: { tags: ['attendance'], body: z.strictObject({ month: Month }), response: { 200: SubsidyReport, ...errors, 409: ErrorBody } } }, async (request) => {
    const user = currentUser(request);
    const inst = ownInstitution(user);
    const draft = await buildReport(user, inst, request.body.month);
    if (draft.status !== 'draft') throw new HubError('CONFLICT', `the report for ${request.body.month} was submitted already and is locked`);
    const today = localDate(Date.now(), draft.timeZone).slice(0, 7);
    if (request.body.month >= today) throw new HubError('BAD_REQUEST', 'a month can be submitted once it has ended');
    const [y, m] = request.body.month.split('-').map(Number) as [number, number];
    const nextMonth = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01`;
    const inMonth = await a.listEvents(scopeOf(user), inst, {
      from: new Date(dayStartMs(`${request.body.month}-01`, draft.timeZone)).toISOString(),
      to: new Date(dayStartMs(nextMonth, draft.timeZone)).toISOString(),
      pendingOnly: true,
    });
    if (inMonth.length > 0) throw new HubError('CONFLICT', `${inMonth.length} face proposal(s) of this month wait for confirmation; confirm or reject them first`);
    const report: SubsidyReport = { ...draft, status: 'submitted', submittedBy: user.username, submittedAt: now() };
    const res = await a.submitReport(scopeOf(user), report);
    if (res === 'locked') throw new HubError('CONFLICT', `the report for ${request.body.month} was submitted already and is locked`);
    if (res === 'out_of_scope') throw new HubError('FORBIDDEN');
    await actions.audit(user, 'report.submit', `report:${inst}:${report.month}`, inst, { totals: report.totals, rules: report.rules });
    return report;
  });

  app.get('/attendance/submissions', { preHandler: requireRole('institution_admin', 'regulator'), schema: { tags: ['attendance'], response: { 200: z.array(SubmissionView), ...errors } } }, async (request) => {
    return a.listSubmissions(scopeOf(currentUser(request)));
  });

  app.post('/attendance/submissions/:institutionId/:month/approve', {
    preHandler: regulator,
    schema: { tags: ['attendance'], params: z.object({ institutionId: Id, month: Month }), response: { 200: SubsidyReport, ...errors, 404: ErrorBody, 409: ErrorBody } },
  }, async (request) => {
    const user = currentUser(request);
    const { institutionId, month } = request.params;
    const res = await a.approveReport(scopeOf(user), institutionId, month, user.username, now());
    if (res === null || res === 'not_submitted') throw new HubError('NOT_FOUND', `no submitted report of ${institutionId} for ${month}`);
    if (res === 'approved_already') throw new HubError('CONFLICT', 'approved already');
    await actions.audit(user, 'report.approve', `report:${institutionId}:${month}`, institutionId, { totals: res.totals });
    return { ...res, rows: res.rows.map(({ name: _n, ...r }) => r) };
  });

  // ---- cross-check and statistics ----
  app.get('/attendance/cross-check', {
    preHandler: requireRole('institution_admin', 'regulator'),
    schema: { tags: ['attendance'], querystring: z.object({ from: DateOnly, to: DateOnly }), response: { 200: z.array(CrossCheckFlag), ...errors } },
  }, async (request) => a.crossCheck(scopeOf(currentUser(request)), request.query.from, request.query.to));

  app.get('/attendance/places', {
    preHandler: requireRole('institution_admin', 'regulator'),
    schema: { tags: ['attendance'], querystring: z.object({ date: DateOnly.optional(), month: Month.optional() }), response: { 200: z.array(PlaceStats), ...errors } },
  }, async (request) => {
    const user = currentUser(request);
    const scope = scopeOf(user);
    // "Today" where the institutions are (a district is one zone in practice), not in UTC.
    const zone = (await store.listInstitutions(scope))[0]?.timeZone ?? DEFAULT_TIME_ZONE;
    const date = request.query.date ?? localDate(Date.now(), zone);
    const month = request.query.month ?? date.slice(0, 7);
    const places = await a.places(scope, date);
    const flags = await a.crossCheck(scope, `${month}-01`, `${month}-31`);
    const regions = new Map((await store.listRegions(scope)).map((r) => [r.id, r.name]));
    return placeStats(places, flags, (id) => regions.get(id) ?? id);
  });
};

/** Indicators 8 and 4 per institution, town and district. */
export function placeStats(list: readonly InstitutionPlaces[], flags: readonly CrossCheckFlag[], regionName: (id: string) => string): PlaceStats[] {
  const sum = (r: Partial<Record<ClassType, number>>, only?: readonly ClassType[]) =>
    Object.entries(r).reduce((s, [k, v]) => s + (only && !only.includes(k as ClassType) ? 0 : (v ?? 0)), 0);
  type Acc = { approved: number; enrolled: number; under2: number; flags: number; name: string; kind: PlaceStats['kind'] };
  const units = new Map<string, Acc>();
  const add = (key: string, kind: PlaceStats['kind'], name: string, p: InstitutionPlaces, f: number) => {
    const u = units.get(`${kind}:${key}`) ?? { approved: 0, enrolled: 0, under2: 0, flags: 0, name, kind };
    u.approved += sum(p.places);
    u.enrolled += sum(p.enrolled);
    u.under2 += sum(p.places, UNDER_2);
    u.flags += f;
    units.set(`${kind}:${key}`, u);
  };
  for (const p of list) {
    const f = flags.filter((x) => x.institutionId === p.institutionId).length;
    add(p.institutionId, 'institution', p.name, p, f);
    add(p.townId, 'town', regionName(p.townId), p, f);
    add(p.districtId, 'district', regionName(p.districtId), p, f);
  }
  return [...units.entries()].map(([key, u]) => ({
    id: key.slice(key.indexOf(':') + 1),
    kind: u.kind,
    name: u.name,
    approvedPlaces: u.approved,
    enrolled: u.enrolled,
    utilisation: u.approved > 0 ? u.enrolled / u.approved : null,
    under2PlacesShare: u.approved > 0 ? u.under2 / u.approved : null,
    under2Places: u.under2,
    crossCheckFlags: u.flags,
  }));
}
