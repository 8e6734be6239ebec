/**
 * PostgreSQL schema, the same tables and versions as `sqlite.ts`. Times stay ISO-8601 UTC
 * text (as on SQLite) so both backends order and compare them identically; JSON is
 * `jsonb`, images `bytea`, flags `boolean`.
 */
import type { Migration } from './types.ts';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE institutions (
  id text PRIMARY KEY,
  name text NOT NULL,
  level text NOT NULL,
  town_id text NOT NULL,
  district_id text NOT NULL,
  registered boolean NOT NULL
);
CREATE INDEX institutions_town ON institutions (town_id);
CREATE INDEX institutions_district ON institutions (district_id);

CREATE TABLE rooms (
  institution_id text NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  id text NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  class_type text,
  capacity integer,
  polygon jsonb,
  PRIMARY KEY (institution_id, id)
);

CREATE TABLE edges (
  id text PRIMARY KEY,
  institution_id text NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  password_hash text NOT NULL
);

CREATE TABLE cameras (
  institution_id text NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  id text NOT NULL,
  edge_id text NOT NULL,
  name text NOT NULL,
  room_id text,
  expected_fps double precision NOT NULL,
  state text NOT NULL DEFAULT 'offline',
  delivered_fps double precision NOT NULL DEFAULT 0,
  analysed_fps double precision NOT NULL DEFAULT 0,
  reconnects_last_hour integer NOT NULL DEFAULT 0,
  stalls_last_hour integer NOT NULL DEFAULT 0,
  last_frame_at text,
  reason text,
  status_at text,
  PRIMARY KEY (institution_id, id),
  FOREIGN KEY (institution_id, room_id) REFERENCES rooms (institution_id, id)
);
CREATE INDEX cameras_edge ON cameras (edge_id);

CREATE TABLE camera_samples (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  institution_id text NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  edge_id text NOT NULL,
  camera_id text NOT NULL,
  at text NOT NULL,
  state text NOT NULL,
  expected_fps double precision NOT NULL,
  analysed_fps double precision NOT NULL
);
CREATE INDEX camera_samples_camera_at ON camera_samples (institution_id, camera_id, at);

CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role text NOT NULL,
  institution_id text REFERENCES institutions (id),
  region_id text,
  password_hash text NOT NULL
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at text NOT NULL
);

CREATE TABLE incidents (
  id text PRIMARY KEY,
  institution_id text NOT NULL REFERENCES institutions (id),
  edge_id text NOT NULL,
  camera_id text NOT NULL,
  zone_id text,
  kind text NOT NULL,
  severity text NOT NULL,
  message text,
  active boolean NOT NULL,
  status text NOT NULL,
  seq integer NOT NULL,
  started_at text NOT NULL,
  updated_at text NOT NULL,
  resolved_at text,
  acknowledged_at text,
  acknowledged_by text,
  closed_at text,
  closed_by text,
  outcome text,
  note text,
  legal_hold boolean NOT NULL DEFAULT false,
  has_snapshot boolean NOT NULL DEFAULT false,
  evidence jsonb NOT NULL
);
CREATE INDEX incidents_inst_started ON incidents (institution_id, started_at);
CREATE INDEX incidents_started ON incidents (started_at);
CREATE INDEX incidents_camera_active ON incidents (institution_id, camera_id, active);

CREATE TABLE incident_events (
  incident_id text NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  type text NOT NULL,
  at text NOT NULL,
  received_at text NOT NULL,
  stale boolean NOT NULL,
  payload jsonb NOT NULL,
  PRIMARY KEY (incident_id, seq)
);

CREATE TABLE incident_actions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id text NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  type text NOT NULL,
  at text NOT NULL,
  actor text NOT NULL,
  detail jsonb
);
CREATE INDEX incident_actions_incident ON incident_actions (incident_id);

CREATE TABLE snapshots (
  incident_id text PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
  jpeg bytea NOT NULL,
  stored_at text NOT NULL
);

CREATE TABLE audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at text NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  institution_id text,
  detail jsonb
);
CREATE INDEX audit_inst ON audit (institution_id, id);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only';
END;
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
`,
  },
  {
    version: 2,
    name: 'camera sample runs',
    // Consecutive statuses that say the same thing become one sample row covering
    // [at, last_at]; cameras point at their newest row so it can be extended.
    sql: `
ALTER TABLE camera_samples ADD COLUMN last_at text;
UPDATE camera_samples SET last_at = at;
ALTER TABLE camera_samples ALTER COLUMN last_at SET NOT NULL;
ALTER TABLE cameras ADD COLUMN last_sample_id bigint REFERENCES camera_samples (id) ON DELETE SET NULL;
CREATE INDEX camera_samples_last_at ON camera_samples (last_at);
`,
  },
  {
    version: 3,
    name: 'configured camera fps',
    // The fps an institution admin set for a camera (PUT /api/cameras/:id): edge statuses
    // cannot lower it, so coverage measures the edge against what the institution declared.
    sql: `
ALTER TABLE cameras ADD COLUMN configured_fps double precision;
`,
  },
  {
    version: 4,
    name: 'retention by hub time',
    // When the hub last saw anything happen to an incident (an edge event received, a
    // person's action), by the hub's clock: retention counts from it, so an edge clock
    // set to 2099 or 2000 can neither keep an incident forever nor have it purged at once.
    // Existing rows start from their latest stored time, never later than now.
    sql: `
ALTER TABLE incidents ADD COLUMN last_activity_at text;
UPDATE incidents SET last_activity_at = LEAST(COALESCE(closed_at, resolved_at, updated_at),
  to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
ALTER TABLE incidents ALTER COLUMN last_activity_at SET NOT NULL;
CREATE INDEX incidents_retention ON incidents (legal_hold, last_activity_at);
`,
  },
  {
    version: 5,
    name: 'time zones, regions, demo data, incident rooms, alarms',
    // As sqlite.ts version 5 (the same '' for an alarm's missing edge or camera, so both
    // backends share one SQL layer).
    sql: `
ALTER TABLE institutions ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai';
ALTER TABLE institutions ADD COLUMN demo boolean NOT NULL DEFAULT FALSE;
CREATE TABLE regions (
  id text PRIMARY KEY,
  kind text NOT NULL,
  name text NOT NULL,
  name_en text,
  parent_id text,
  demo boolean NOT NULL DEFAULT FALSE
);
ALTER TABLE incidents ADD COLUMN room_id text;
ALTER TABLE incidents ADD COLUMN zone_name text;
ALTER TABLE incidents ADD COLUMN raised_by text;
UPDATE incidents SET room_id = CASE
  WHEN EXISTS (SELECT 1 FROM rooms r WHERE r.institution_id = incidents.institution_id AND r.id = incidents.zone_id) THEN zone_id
  ELSE (SELECT c.room_id FROM cameras c WHERE c.institution_id = incidents.institution_id AND c.id = incidents.camera_id)
END;
CREATE INDEX incidents_inst_room ON incidents (institution_id, room_id, started_at);
`,
  },
  {
    version: 6,
    name: 'attendance: roster, guardians, consent, places, events, days, subsidy reports, room people, edge config',
    // As sqlite.ts version 6 (integers for flags on both backends).
    sql: `
CREATE TABLE children (
  institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  birth_month TEXT NOT NULL,
  class_type TEXT NOT NULL,
  room_id TEXT,
  enrolled_from TEXT NOT NULL,
  enrolled_to TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (institution_id, id)
);
CREATE TABLE guardians (
  institution_id TEXT NOT NULL,
  child_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  name TEXT NOT NULL,
  relation TEXT,
  phone TEXT,
  PRIMARY KEY (institution_id, child_id, n),
  FOREIGN KEY (institution_id, child_id) REFERENCES children (institution_id, id) ON DELETE CASCADE
);
CREATE TABLE consents (
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL,
  child_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  guardian_name TEXT NOT NULL,
  granted_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  withdrawn_at TEXT,
  withdrawn_by TEXT,
  FOREIGN KEY (institution_id, child_id) REFERENCES children (institution_id, id) ON DELETE CASCADE
);
CREATE INDEX consents_child ON consents (institution_id, child_id);
CREATE TABLE approved_places (
  institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  class_type TEXT NOT NULL,
  places INTEGER NOT NULL,
  PRIMARY KEY (institution_id, class_type)
);
CREATE TABLE attendance_events (
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL,
  child_id TEXT NOT NULL,
  edge_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  direction TEXT NOT NULL,
  at TEXT NOT NULL,
  source TEXT NOT NULL,
  confidence double precision NOT NULL,
  needs_confirm INTEGER NOT NULL,
  state TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  recorded_by TEXT,
  received_at TEXT NOT NULL,
  camera_id TEXT,
  UNIQUE (edge_id, event_id),
  FOREIGN KEY (institution_id, child_id) REFERENCES children (institution_id, id) ON DELETE RESTRICT
);
CREATE INDEX attendance_events_child ON attendance_events (institution_id, child_id, at);
CREATE INDEX attendance_events_state ON attendance_events (institution_id, state, at);
CREATE TABLE attendance_days (
  institution_id TEXT NOT NULL,
  child_id TEXT NOT NULL,
  day TEXT NOT NULL,
  first_in TEXT,
  last_out TEXT,
  minutes INTEGER NOT NULL,
  open INTEGER NOT NULL,
  sources TEXT NOT NULL,
  room_id TEXT,
  PRIMARY KEY (institution_id, child_id, day)
);
CREATE INDEX attendance_days_date ON attendance_days (institution_id, day);
CREATE TABLE subsidy_reports (
  institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  month TEXT NOT NULL,
  status TEXT NOT NULL,
  report TEXT NOT NULL,
  submitted_by TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  approved_by TEXT,
  approved_at TEXT,
  PRIMARY KEY (institution_id, month)
);
CREATE TABLE room_people_days (
  institution_id TEXT NOT NULL,
  camera_id TEXT NOT NULL,
  day TEXT NOT NULL,
  max_people INTEGER NOT NULL,
  PRIMARY KEY (institution_id, camera_id, day)
);
CREATE TABLE edge_configs (
  edge_id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  issued_at TEXT NOT NULL,
  payload TEXT NOT NULL,
  publishes INTEGER NOT NULL,
  last_published_at TEXT,
  acked_version INTEGER,
  acked_at TEXT,
  ack_ok INTEGER,
  ack_error TEXT,
  enrolled TEXT NOT NULL,
  deleted_at TEXT
);
`,
  },
  {
    version: 7,
    name: 'guardian port: invites, guardian accounts, incident children, notices, notification state',
    // Issue 26. An invite names one guardian of one child (institution, child, guardian n);
    // only the code's SHA-256 is kept. A guardian user links to the children whose invites
    // they redeemed. incident_children is what an admin says an incident concerned.
    sql: `
CREATE TABLE guardian_invites (
  code_hash TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL,
  child_id TEXT NOT NULL,
  guardian_n INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  used_by TEXT,
  FOREIGN KEY (institution_id, child_id) REFERENCES children (institution_id, id) ON DELETE CASCADE
);
CREATE TABLE guardian_links (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  institution_id TEXT NOT NULL,
  child_id TEXT NOT NULL,
  guardian_n INTEGER NOT NULL,
  linked_at TEXT NOT NULL,
  PRIMARY KEY (user_id, institution_id, child_id),
  FOREIGN KEY (institution_id, child_id) REFERENCES children (institution_id, id) ON DELETE CASCADE
);
CREATE INDEX guardian_links_child ON guardian_links (institution_id, child_id);
CREATE TABLE incident_children (
  incident_id TEXT NOT NULL,
  institution_id TEXT NOT NULL,
  child_id TEXT NOT NULL,
  linked_by TEXT NOT NULL,
  linked_at TEXT NOT NULL,
  PRIMARY KEY (incident_id, child_id),
  FOREIGN KEY (institution_id, child_id) REFERENCES children (institution_id, id) ON DELETE CASCADE
);
CREATE INDEX incident_children_child ON incident_children (institution_id, child_id);
CREATE TABLE notices (
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  posted_by TEXT NOT NULL,
  posted_at TEXT NOT NULL
);
CREATE INDEX notices_inst ON notices (institution_id, posted_at);
CREATE TABLE guardian_state (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  notices_seen_at TEXT,
  last_notified_at TEXT
);
`,
  },
];
