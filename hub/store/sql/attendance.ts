/**
 * Attendance for both SQL backends (see ../attendance-types.ts). Every change to a child's
 * events recomputes that child's row for the local day (institution's time zone) in the
 * same transaction, so the day rows always say what the counted events say.
 */
import { randomUUID } from 'node:crypto';
import type {
  AttendanceDayView,
  AttendanceEventView,
  AttendanceSource,
  ChildView,
  ClassType,
  ConsentView,
  CrossCheckFlag,
  EdgeConfig,
  EdgeConfigAck,
  EdgeConfigState,
  SubsidyReport,
  SubmissionView,
} from '../../../protocol/index.ts';
import { dayPresence } from '../../attendance/rules.ts';
import { dayStartMs, localDate, nextDate, DEFAULT_TIME_ZONE } from '../days.ts';
import type { AttendanceStore, ChildInput, ChildMonthRecord, InstitutionPlaces, NewAttendanceEvent } from '../attendance-types.ts';
import type { Scope } from '../types.ts';
import { institutionInScope } from './admin.ts';
import type { SqlDb, SqlExecutor } from './executor.ts';
import { scopeSql } from './scope.ts';

interface ChildRow {
  institution_id: string;
  id: string;
  name: string;
  birth_month: string;
  class_type: ClassType;
  room_id: string | null;
  enrolled_from: string;
  enrolled_to: string | null;
}
interface EventRow {
  id: string;
  child_id: string;
  direction: 'in' | 'out';
  at: string;
  source: AttendanceSource;
  confidence: number;
  needs_confirm: number;
  state: 'counted' | 'pending' | 'rejected';
  decided_by: string | null;
  edge_id: string;
  recorded_by: string | null;
  institution_id: string;
}
interface ConsentRow {
  id: string;
  child_id: string;
  scope: 'face';
  guardian_name: string;
  granted_at: string;
  recorded_by: string;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
}
interface ConfigRow {
  edge_id: string;
  institution_id: string;
  version: number;
  issued_at: string;
  payload: string;
  publishes: number;
  last_published_at: string | null;
  acked_version: number | null;
  acked_at: string | null;
  ack_ok: number | null;
  ack_error: string | null;
  enrolled: string;
  deleted_at: string | null;
}

const toEvent = (r: EventRow): AttendanceEventView => ({
  id: r.id,
  childId: r.child_id,
  direction: r.direction,
  at: r.at,
  source: r.source,
  confidence: Number(r.confidence),
  needsConfirm: Number(r.needs_confirm) === 1,
  state: r.state,
  decidedBy: r.decided_by,
  edgeId: r.edge_id === '' ? null : r.edge_id,
  recordedBy: r.recorded_by,
});
const toConsent = (r: ConsentRow): ConsentView => ({
  id: r.id,
  childId: r.child_id,
  scope: r.scope,
  guardianName: r.guardian_name,
  grantedAt: r.granted_at,
  recordedBy: r.recorded_by,
  withdrawnAt: r.withdrawn_at,
  withdrawnBy: r.withdrawn_by,
});
const iso = (t: string) => {
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${t}`);
  return new Date(ms).toISOString();
};

async function timeZoneOf(q: SqlExecutor, institutionId: string): Promise<string | null> {
  const r = await q.get<{ time_zone: string }>('SELECT time_zone FROM institutions WHERE id = ?', [institutionId]);
  return r ? r.time_zone || DEFAULT_TIME_ZONE : null;
}

/** Recomputes one child's day row from its counted events of that local day. */
async function recomputeDay(q: SqlExecutor, institutionId: string, childId: string, date: string, tz: string): Promise<void> {
  const start = new Date(dayStartMs(date, tz)).toISOString();
  const end = new Date(dayStartMs(nextDate(date), tz)).toISOString();
  const rows = await q.all<{ direction: 'in' | 'out'; at: string; source: AttendanceSource }>(
    "SELECT direction, at, source FROM attendance_events WHERE institution_id = ? AND child_id = ? AND state = 'counted' AND at >= ? AND at < ? ORDER BY at",
    [institutionId, childId, start, end],
  );
  if (rows.length === 0) {
    await q.run('DELETE FROM attendance_days WHERE institution_id = ? AND child_id = ? AND day = ?', [institutionId, childId, date]);
    return;
  }
  const p = dayPresence(rows.map((r) => ({ direction: r.direction, at: Date.parse(r.at), source: r.source })));
  const room = await q.get<{ room_id: string | null }>('SELECT room_id FROM children WHERE institution_id = ? AND id = ?', [institutionId, childId]);
  await q.run(
    `INSERT INTO attendance_days (institution_id, child_id, day, first_in, last_out, minutes, open, sources, room_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (institution_id, child_id, day) DO UPDATE SET first_in = excluded.first_in, last_out = excluded.last_out,
       minutes = excluded.minutes, open = excluded.open, sources = excluded.sources, room_id = excluded.room_id`,
    [
      institutionId,
      childId,
      date,
      p.firstIn === null ? null : new Date(p.firstIn).toISOString(),
      p.lastOut === null ? null : new Date(p.lastOut).toISOString(),
      p.minutes,
      p.open ? 1 : 0,
      p.sources.join(','),
      room?.room_id ?? null,
    ],
  );
}

export function attendanceStore(db: SqlDb): AttendanceStore {
  /** Views of some children of one institution: guardians, consent and enrolment in three queries, not three per child. */
  const childViews = async (q: SqlExecutor, institutionId: string, rows: readonly ChildRow[]): Promise<ChildView[]> => {
    if (rows.length === 0) return [];
    const guardians = await q.all<{ child_id: string; name: string; relation: string | null; phone: string | null }>(
      'SELECT child_id, name, relation, phone FROM guardians WHERE institution_id = ? ORDER BY child_id, n',
      [institutionId],
    );
    const consented = new Set(
      (await q.all<{ child_id: string }>('SELECT child_id FROM consents WHERE institution_id = ? AND withdrawn_at IS NULL', [institutionId])).map((r) => r.child_id),
    );
    const configs = await q.all<{ edge_id: string; enrolled: string }>('SELECT edge_id, enrolled FROM edge_configs WHERE institution_id = ? ORDER BY edge_id', [institutionId]);
    const enrolledOn = new Map<string, string[]>();
    for (const c of configs) for (const id of JSON.parse(c.enrolled) as string[]) enrolledOn.set(id, [...(enrolledOn.get(id) ?? []), c.edge_id]);
    const byChild = new Map<string, ChildView['guardians']>();
    for (const g of guardians) byChild.set(g.child_id, [...(byChild.get(g.child_id) ?? []), { name: g.name, relation: g.relation, phone: g.phone }]);
    return rows.map((r) => ({
      id: r.id,
      institutionId: r.institution_id,
      name: r.name,
      birthMonth: r.birth_month,
      classType: r.class_type,
      roomId: r.room_id,
      enrolledFrom: r.enrolled_from,
      enrolledTo: r.enrolled_to,
      guardians: byChild.get(r.id) ?? [],
      faceConsent: consented.has(r.id),
      enrolledOn: enrolledOn.get(r.id) ?? [],
    }));
  };
  const childInScope = async (q: SqlExecutor, scope: Scope, institutionId: string, id: string) => {
    if (!(await institutionInScope(q, scope, institutionId))) return null;
    return (await q.get<ChildRow>('SELECT * FROM children WHERE institution_id = ? AND id = ?', [institutionId, id])) ?? null;
  };
  const configState = (r: ConfigRow): EdgeConfigState => ({
    edgeId: r.edge_id,
    version: Number(r.version),
    issuedAt: r.issued_at,
    publishes: Number(r.publishes),
    ackedVersion: r.acked_version === null ? null : Number(r.acked_version),
    ackedAt: r.acked_at,
    ackOk: r.ack_ok === null ? null : Number(r.ack_ok) === 1,
    ackError: r.ack_error,
    enrolled: JSON.parse(r.enrolled) as string[],
    deletedAt: r.deleted_at,
  });

  return {
    saveChild: (scope, c, at) =>
      db.tx(async (q) => {
        if (!(await institutionInScope(q, scope, c.institutionId))) return 'out_of_scope';
        if (c.roomId && !(await q.get('SELECT 1 AS one FROM rooms WHERE institution_id = ? AND id = ?', [c.institutionId, c.roomId]))) return 'unknown_room';
        await q.run(
          `INSERT INTO children (institution_id, id, name, birth_month, class_type, room_id, enrolled_from, enrolled_to, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (institution_id, id) DO UPDATE SET name = excluded.name, birth_month = excluded.birth_month, class_type = excluded.class_type,
             room_id = excluded.room_id, enrolled_from = excluded.enrolled_from, enrolled_to = excluded.enrolled_to, updated_at = excluded.updated_at`,
          [c.institutionId, c.id, c.name, c.birthMonth, c.classType, c.roomId, c.enrolledFrom, c.enrolledTo, at],
        );
        await q.run('DELETE FROM guardians WHERE institution_id = ? AND child_id = ?', [c.institutionId, c.id]);
        for (const [n, g] of c.guardians.entries()) {
          await q.run('INSERT INTO guardians (institution_id, child_id, n, name, relation, phone) VALUES (?, ?, ?, ?, ?, ?)', [
            c.institutionId,
            c.id,
            n,
            g.name,
            g.relation ?? null,
            g.phone ?? null,
          ]);
        }
        return 'saved';
      }),

    deleteChild: (scope, institutionId, id) =>
      db.tx(async (q) => {
        if (!(await childInScope(q, scope, institutionId, id))) return 'missing';
        if (await q.get('SELECT 1 AS one FROM attendance_events WHERE institution_id = ? AND child_id = ?', [institutionId, id])) return 'has_attendance';
        await q.run('DELETE FROM children WHERE institution_id = ? AND id = ?', [institutionId, id]);
        return 'deleted';
      }),

    listChildren: (scope, institutionId) =>
      db.tx(async (q) => {
        if (!(await institutionInScope(q, scope, institutionId))) return [];
        const rows = await q.all<ChildRow>('SELECT * FROM children WHERE institution_id = ? ORDER BY name, id', [institutionId]);
        return childViews(q, institutionId, rows);
      }),

    getChild: (scope, institutionId, id) =>
      db.tx(async (q) => {
        const r = await childInScope(q, scope, institutionId, id);
        return r ? ((await childViews(q, institutionId, [r]))[0] ?? null) : null;
      }),

    grantConsent: (scope, institutionId, childId, c) =>
      db.tx(async (q) => {
        if (!(await childInScope(q, scope, institutionId, childId))) return null;
        const current = await q.get<ConsentRow>("SELECT * FROM consents WHERE institution_id = ? AND child_id = ? AND scope = 'face' AND withdrawn_at IS NULL", [institutionId, childId]);
        if (current) return toConsent(current);
        const id = randomUUID();
        await q.run("INSERT INTO consents (id, institution_id, child_id, scope, guardian_name, granted_at, recorded_by) VALUES (?, ?, ?, 'face', ?, ?, ?)", [
          id,
          institutionId,
          childId,
          c.guardianName,
          iso(c.grantedAt),
          c.by,
        ]);
        return toConsent((await q.get<ConsentRow>('SELECT * FROM consents WHERE id = ?', [id]))!);
      }),

    withdrawConsent: (scope, institutionId, childId, by, at) =>
      db.tx(async (q) => {
        if (!(await childInScope(q, scope, institutionId, childId))) return null;
        const current = await q.get<ConsentRow>("SELECT * FROM consents WHERE institution_id = ? AND child_id = ? AND scope = 'face' AND withdrawn_at IS NULL", [institutionId, childId]);
        if (!current) return null;
        await q.run('UPDATE consents SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ?', [iso(at), by, current.id]);
        return toConsent((await q.get<ConsentRow>('SELECT * FROM consents WHERE id = ?', [current.id]))!);
      }),

    listConsents: async (scope, institutionId, childId) => {
      if (!(await childInScope(db, scope, institutionId, childId))) return [];
      const rows = await db.all<ConsentRow>('SELECT * FROM consents WHERE institution_id = ? AND child_id = ? ORDER BY granted_at, id', [institutionId, childId]);
      return rows.map(toConsent);
    },

    faceConsentChildIds: async (institutionId) => {
      const rows = await db.all<{ child_id: string }>(
        "SELECT DISTINCT child_id FROM consents WHERE institution_id = ? AND scope = 'face' AND withdrawn_at IS NULL ORDER BY child_id",
        [institutionId],
      );
      return rows.map((r) => r.child_id);
    },

    setPlaces: (scope, institutionId, places) =>
      db.tx(async (q) => {
        if (!(await institutionInScope(q, scope, institutionId))) return false;
        for (const [classType, n] of Object.entries(places)) {
          await q.run(
            'INSERT INTO approved_places (institution_id, class_type, places) VALUES (?, ?, ?) ON CONFLICT (institution_id, class_type) DO UPDATE SET places = excluded.places',
            [institutionId, classType, n!],
          );
        }
        return true;
      }),

    places: async (scope, date) => {
      const s = scopeSql(scope, 'id');
      const insts = await db.all<{ id: string; name: string; town_id: string; district_id: string }>(
        `SELECT id, name, town_id, district_id FROM institutions WHERE ${s.sql} ORDER BY id`,
        s.params,
      );
      const ps = scopeSql(scope, 'institution_id');
      const places = await db.all<{ institution_id: string; class_type: ClassType; places: number }>(`SELECT institution_id, class_type, places FROM approved_places WHERE ${ps.sql}`, ps.params);
      const enrolled = await db.all<{ institution_id: string; class_type: ClassType; n: number | string }>(
        `SELECT institution_id, class_type, COUNT(*) AS n FROM children WHERE ${ps.sql} AND enrolled_from <= ? AND (enrolled_to IS NULL OR enrolled_to >= ?) GROUP BY institution_id, class_type`,
        [...ps.params, date, date],
      );
      return insts.map((i): InstitutionPlaces => ({
        institutionId: i.id,
        name: i.name,
        townId: i.town_id,
        districtId: i.district_id,
        places: Object.fromEntries(places.filter((p) => p.institution_id === i.id).map((p) => [p.class_type, Number(p.places)])),
        enrolled: Object.fromEntries(enrolled.filter((p) => p.institution_id === i.id).map((p) => [p.class_type, Number(p.n)])),
      }));
    },

    recordEvent: (e) =>
      db.tx(async (q) => {
        const child = await q.get<ChildRow>('SELECT * FROM children WHERE institution_id = ? AND id = ?', [e.institutionId, e.childId]);
        if (!child) return { outcome: 'unknown_child' as const };
        const edgeKey = e.edgeId ?? '';
        const dup = await q.get<EventRow>('SELECT * FROM attendance_events WHERE edge_id = ? AND event_id = ?', [edgeKey, e.eventId]);
        if (dup) return { outcome: 'duplicate' as const, event: toEvent(dup) };
        const id = randomUUID();
        const at = iso(e.at);
        await q.run(
          `INSERT INTO attendance_events (id, institution_id, child_id, edge_id, event_id, direction, at, source, confidence, needs_confirm, state, recorded_by, received_at, camera_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, e.institutionId, e.childId, edgeKey, e.eventId, e.direction, at, e.source, e.confidence, e.needsConfirm ? 1 : 0, e.needsConfirm ? 'pending' : 'counted', e.recordedBy, iso(e.receivedAt), e.cameraId ?? null],
        );
        const tz = (await timeZoneOf(q, e.institutionId))!;
        await recomputeDay(q, e.institutionId, e.childId, localDate(Date.parse(at), tz), tz);
        return { outcome: 'applied' as const, event: toEvent((await q.get<EventRow>('SELECT * FROM attendance_events WHERE id = ?', [id]))!) };
      }),

    decide: (scope, institutionId, id, accept, by, at) =>
      db.tx(async (q) => {
        if (!(await institutionInScope(q, scope, institutionId))) return null;
        const r = await q.get<EventRow>("SELECT * FROM attendance_events WHERE id = ? AND institution_id = ? AND state = 'pending'", [id, institutionId]);
        if (!r) return null;
        await q.run('UPDATE attendance_events SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?', [accept ? 'counted' : 'rejected', by, iso(at), id]);
        const tz = (await timeZoneOf(q, institutionId))!;
        await recomputeDay(q, institutionId, r.child_id, localDate(Date.parse(r.at), tz), tz);
        return toEvent((await q.get<EventRow>('SELECT * FROM attendance_events WHERE id = ?', [id]))!);
      }),

    listEvents: async (scope, institutionId, qy) => {
      if (!(await institutionInScope(db, scope, institutionId))) return [];
      const rows = await db.all<EventRow>(
        `SELECT * FROM attendance_events WHERE institution_id = ? AND at >= ? AND at < ? ${qy.pendingOnly ? "AND state = 'pending'" : ''} ORDER BY at, id`,
        [institutionId, iso(qy.from), iso(qy.to)],
      );
      return rows.map(toEvent);
    },

    listDays: async (scope, institutionId, from, to) => {
      if (!(await institutionInScope(db, scope, institutionId))) return [];
      const rows = await db.all<{ child_id: string; day: string; first_in: string | null; last_out: string | null; minutes: number; open: number; sources: string }>(
        'SELECT child_id, day, first_in, last_out, minutes, open, sources FROM attendance_days WHERE institution_id = ? AND day >= ? AND day <= ? ORDER BY day, child_id',
        [institutionId, from, to],
      );
      return rows.map((r) => ({
        childId: r.child_id,
        date: r.day,
        firstIn: r.first_in,
        lastOut: r.last_out,
        minutes: Number(r.minutes),
        open: Number(r.open) === 1,
        sources: (r.sources ? r.sources.split(',') : []) as AttendanceSource[],
      }));
    },

    monthRecords: async (scope, institutionId, month) => {
      if (!(await institutionInScope(db, scope, institutionId))) return null;
      const first = `${month}-01`;
      const last = `${month}-31`;
      const children = await db.all<ChildRow>(
        'SELECT * FROM children WHERE institution_id = ? AND enrolled_from <= ? AND (enrolled_to IS NULL OR enrolled_to >= ?) ORDER BY id',
        [institutionId, last, first],
      );
      const days = await db.all<{ child_id: string; minutes: number }>('SELECT child_id, minutes FROM attendance_days WHERE institution_id = ? AND day >= ? AND day <= ?', [
        institutionId,
        first,
        last,
      ]);
      const byChild = new Map<string, number[]>();
      for (const d of days) byChild.set(d.child_id, [...(byChild.get(d.child_id) ?? []), Number(d.minutes)]);
      // Children who left but still have records this month are included too.
      const known = new Set(children.map((c) => c.id));
      const extra = [...byChild.keys()].filter((id) => !known.has(id));
      for (const id of extra) {
        const c = await db.get<ChildRow>('SELECT * FROM children WHERE institution_id = ? AND id = ?', [institutionId, id]);
        if (c) children.push(c);
      }
      return children.map((c): ChildMonthRecord => ({ childId: c.id, name: c.name, classType: c.class_type, dayMinutes: byChild.get(c.id) ?? [] }));
    },

    getStoredReport: async (scope, institutionId, month) => {
      if (!(await institutionInScope(db, scope, institutionId))) return null;
      const r = await db.get<{ report: string; status: 'submitted' | 'approved'; submitted_by: string; submitted_at: string; approved_by: string | null; approved_at: string | null }>(
        'SELECT * FROM subsidy_reports WHERE institution_id = ? AND month = ?',
        [institutionId, month],
      );
      if (!r) return null;
      return { ...(JSON.parse(r.report) as SubsidyReport), status: r.status, submittedBy: r.submitted_by, submittedAt: r.submitted_at, approvedBy: r.approved_by, approvedAt: r.approved_at };
    },

    submitReport: (scope, report) =>
      db.tx(async (q) => {
        if (!(await institutionInScope(q, scope, report.institutionId))) return 'out_of_scope';
        if (await q.get('SELECT 1 AS one FROM subsidy_reports WHERE institution_id = ? AND month = ?', [report.institutionId, report.month])) return 'locked';
        await q.run("INSERT INTO subsidy_reports (institution_id, month, status, report, submitted_by, submitted_at) VALUES (?, ?, 'submitted', ?, ?, ?)", [
          report.institutionId,
          report.month,
          JSON.stringify(report),
          report.submittedBy!,
          report.submittedAt!,
        ]);
        return 'submitted';
      }),

    approveReport: (scope, institutionId, month, by, at) =>
      db.tx(async (q) => {
        if (!(await institutionInScope(q, scope, institutionId))) return null;
        const r = await q.get<{ status: string }>('SELECT status FROM subsidy_reports WHERE institution_id = ? AND month = ?', [institutionId, month]);
        if (!r) return 'not_submitted';
        if (r.status === 'approved') return 'approved_already';
        await q.run("UPDATE subsidy_reports SET status = 'approved', approved_by = ?, approved_at = ? WHERE institution_id = ? AND month = ?", [by, iso(at), institutionId, month]);
        const s = (await q.get<{ report: string; submitted_by: string; submitted_at: string }>('SELECT * FROM subsidy_reports WHERE institution_id = ? AND month = ?', [institutionId, month]))!;
        return { ...(JSON.parse(s.report) as SubsidyReport), status: 'approved', submittedBy: s.submitted_by, submittedAt: s.submitted_at, approvedBy: by, approvedAt: iso(at) };
      }),

    listSubmissions: async (scope) => {
      const s = scopeSql(scope, 'r.institution_id');
      const rows = await db.all<{ institution_id: string; name: string; month: string; status: 'submitted' | 'approved'; report: string; submitted_by: string; submitted_at: string; approved_by: string | null; approved_at: string | null }>(
        `SELECT r.*, i.name FROM subsidy_reports r JOIN institutions i ON i.id = r.institution_id WHERE ${s.sql} ORDER BY r.month DESC, r.institution_id`,
        s.params,
      );
      return rows.map((r): SubmissionView => {
        const rep = JSON.parse(r.report) as SubsidyReport;
        return {
          institutionId: r.institution_id,
          institutionName: r.name,
          month: r.month,
          status: r.status,
          submittedBy: r.submitted_by,
          submittedAt: r.submitted_at,
          approvedBy: r.approved_by,
          approvedAt: r.approved_at,
          children: rep.totals.children,
          amount: rep.totals.amount,
        };
      });
    },

    recordPeopleSeen: async (institutionId, cameraId, sinceIso, maxPeople) => {
      const tz = await timeZoneOf(db, institutionId);
      if (!tz) return;
      const date = localDate(Date.parse(sinceIso), tz);
      await db.run(
        `INSERT INTO room_people_days (institution_id, camera_id, day, max_people) VALUES (?, ?, ?, ?)
         ON CONFLICT (institution_id, camera_id, day) DO UPDATE SET max_people = CASE WHEN excluded.max_people > room_people_days.max_people THEN excluded.max_people ELSE room_people_days.max_people END`,
        [institutionId, cameraId, date, maxPeople],
      );
    },

    crossCheck: async (scope, from, to) => {
      const s = scopeSql(scope, 'd.institution_id');
      // Children checked in per room and day (counted events only) against the most people
      // any camera mapped to that room saw that day. Days without camera counts are not flagged.
      const rows = await db.all<{ institution_id: string; room_id: string; day: string; checked_in: number | string; max_seen: number | string }>(
        `SELECT d.institution_id, d.room_id, d.day, COUNT(*) AS checked_in, seen.max_seen
           FROM attendance_days d
           JOIN (SELECT p.institution_id, c.room_id, p.day, MAX(p.max_people) AS max_seen
                   FROM room_people_days p JOIN cameras c ON c.institution_id = p.institution_id AND c.id = p.camera_id
                  WHERE c.room_id IS NOT NULL GROUP BY p.institution_id, c.room_id, p.day) seen
             ON seen.institution_id = d.institution_id AND seen.room_id = d.room_id AND seen.day = d.day
          WHERE ${s.sql} AND d.day >= ? AND d.day <= ? AND d.room_id IS NOT NULL
          GROUP BY d.institution_id, d.room_id, d.day, seen.max_seen
          ORDER BY d.day, d.institution_id, d.room_id`,
        [...s.params, from, to],
      );
      return rows
        .map((r): CrossCheckFlag => ({ institutionId: r.institution_id, roomId: r.room_id, date: r.day, checkedIn: Number(r.checked_in), maxPeopleSeen: Number(r.max_seen) }))
        .filter((f) => f.checkedIn > f.maxPeopleSeen);
    },

    nextEdgeConfig: (institutionId, edgeId, build) =>
      db.tx(async (q) => {
        await q.lockKey(`anyu:edge-config:${edgeId}`);
        const r = await q.get<ConfigRow>('SELECT * FROM edge_configs WHERE edge_id = ?', [edgeId]);
        const config = build(r ? Number(r.version) + 1 : 1);
        if (r) {
          await q.run('UPDATE edge_configs SET version = ?, issued_at = ?, payload = ?, publishes = 0, last_published_at = NULL WHERE edge_id = ?', [
            config.version,
            iso(config.issuedAt),
            JSON.stringify(config),
            edgeId,
          ]);
        } else {
          await q.run("INSERT INTO edge_configs (edge_id, institution_id, version, issued_at, payload, publishes, enrolled) VALUES (?, ?, ?, ?, ?, 0, '[]')", [
            edgeId,
            institutionId,
            config.version,
            iso(config.issuedAt),
            JSON.stringify(config),
          ]);
        }
        return config;
      }),

    pendingEdgeConfigs: async () => {
      const rows = await db.all<ConfigRow>('SELECT * FROM edge_configs WHERE acked_version IS NULL OR acked_version < version ORDER BY edge_id');
      return rows.map((r) => ({ config: JSON.parse(r.payload) as EdgeConfig, publishes: Number(r.publishes), lastPublishedAt: r.last_published_at }));
    },

    markPublished: async (edgeId, version, at) => {
      await db.run('UPDATE edge_configs SET publishes = publishes + 1, last_published_at = ? WHERE edge_id = ? AND version = ?', [iso(at), edgeId, version]);
    },

    recordAck: (ack, at) =>
      db.tx(async (q) => {
        const r = await q.get<ConfigRow>('SELECT * FROM edge_configs WHERE edge_id = ? AND institution_id = ?', [ack.edgeId, ack.institutionId]);
        if (!r || ack.version > Number(r.version)) return 'unknown';
        if (r.acked_version !== null && ack.version <= Number(r.acked_version)) return 'stale';
        await q.run('UPDATE edge_configs SET acked_version = ?, acked_at = ?, ack_ok = ?, ack_error = ?, enrolled = ?, deleted_at = ? WHERE edge_id = ?', [
          ack.version,
          iso(at),
          ack.ok ? 1 : 0,
          ack.error ?? null,
          JSON.stringify([...ack.enrolled].sort()),
          ack.deleted.length > 0 ? iso(at) : r.deleted_at,
          ack.edgeId,
        ]);
        return 'applied';
      }),

    edgeConfigStates: async (scope, institutionId) => {
      if (!(await institutionInScope(db, scope, institutionId))) return [];
      const rows = await db.all<ConfigRow>('SELECT * FROM edge_configs WHERE institution_id = ? ORDER BY edge_id', [institutionId]);
      return rows.map(configState);
    },

    edgeIdsOf: async (institutionId) => (await db.all<{ id: string }>('SELECT id FROM edges WHERE institution_id = ? ORDER BY id', [institutionId])).map((r) => r.id),
  };
}
