/**
 * SQLite schema, one entry per version. Times are ISO-8601 UTC text with milliseconds
 * (`toISOString()`), so text order is time order; booleans are 0/1.
 */
import type { Migration } from './types.ts';

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE institutions (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  town_id TEXT NOT NULL,
  district_id TEXT NOT NULL,
  registered INTEGER NOT NULL
);
CREATE INDEX institutions_town ON institutions (town_id);
CREATE INDEX institutions_district ON institutions (district_id);

CREATE TABLE rooms (
  institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  class_type TEXT,
  capacity INTEGER,
  polygon TEXT,
  PRIMARY KEY (institution_id, id)
);

CREATE TABLE edges (
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  password_hash TEXT NOT NULL
);

CREATE TABLE cameras (
  institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  edge_id TEXT NOT NULL,
  name TEXT NOT NULL,
  room_id TEXT,
  expected_fps REAL NOT NULL,
  state TEXT NOT NULL DEFAULT 'offline',
  delivered_fps REAL NOT NULL DEFAULT 0,
  analysed_fps REAL NOT NULL DEFAULT 0,
  reconnects_last_hour INTEGER NOT NULL DEFAULT 0,
  stalls_last_hour INTEGER NOT NULL DEFAULT 0,
  last_frame_at TEXT,
  reason TEXT,
  status_at TEXT,
  PRIMARY KEY (institution_id, id),
  FOREIGN KEY (institution_id, room_id) REFERENCES rooms (institution_id, id)
);
CREATE INDEX cameras_edge ON cameras (edge_id);

CREATE TABLE camera_samples (
  id INTEGER PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  edge_id TEXT NOT NULL,
  camera_id TEXT NOT NULL,
  at TEXT NOT NULL,
  state TEXT NOT NULL,
  expected_fps REAL NOT NULL,
  analysed_fps REAL NOT NULL
);
CREATE INDEX camera_samples_camera_at ON camera_samples (institution_id, camera_id, at);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  institution_id TEXT REFERENCES institutions (id),
  region_id TEXT,
  password_hash TEXT NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at TEXT NOT NULL
);

CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions (id),
  edge_id TEXT NOT NULL,
  camera_id TEXT NOT NULL,
  zone_id TEXT,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  message TEXT,
  active INTEGER NOT NULL,
  status TEXT NOT NULL,
  seq INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  resolved_at TEXT,
  acknowledged_at TEXT,
  acknowledged_by TEXT,
  closed_at TEXT,
  closed_by TEXT,
  outcome TEXT,
  note TEXT,
  legal_hold INTEGER NOT NULL DEFAULT 0,
  has_snapshot INTEGER NOT NULL DEFAULT 0,
  evidence TEXT NOT NULL
);
CREATE INDEX incidents_inst_started ON incidents (institution_id, started_at);
CREATE INDEX incidents_started ON incidents (started_at);
CREATE INDEX incidents_camera_active ON incidents (institution_id, camera_id, active);

CREATE TABLE incident_events (
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  stale INTEGER NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (incident_id, seq)
);

CREATE TABLE incident_actions (
  id INTEGER PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX incident_actions_incident ON incident_actions (incident_id);

CREATE TABLE snapshots (
  incident_id TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
  jpeg BLOB NOT NULL,
  stored_at TEXT NOT NULL
);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  institution_id TEXT,
  detail TEXT
);
CREATE INDEX audit_inst ON audit (institution_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
`,
  },
  {
    version: 2,
    name: 'camera sample runs',
    // Consecutive statuses that say the same thing become one sample row covering
    // [at, last_at]; cameras point at their newest row so it can be extended.
    sql: `
ALTER TABLE camera_samples ADD COLUMN last_at TEXT;
UPDATE camera_samples SET last_at = at;
ALTER TABLE cameras ADD COLUMN last_sample_id INTEGER REFERENCES camera_samples (id) ON DELETE SET NULL;
CREATE INDEX camera_samples_last_at ON camera_samples (last_at);
`,
  },
  {
    version: 3,
    name: 'configured camera fps',
    // The fps an institution admin set for a camera (PUT /api/cameras/:id): edge statuses
    // cannot lower it, so coverage measures the edge against what the institution declared.
    sql: `
ALTER TABLE cameras ADD COLUMN configured_fps REAL;
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
ALTER TABLE incidents ADD COLUMN last_activity_at TEXT;
UPDATE incidents SET last_activity_at = MIN(COALESCE(closed_at, resolved_at, updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
CREATE INDEX incidents_retention ON incidents (legal_hold, last_activity_at);
`,
  },
  {
    version: 5,
    name: 'time zones, regions, demo data, incident rooms, alarms',
    // Each institution's days follow its own time zone; towns and districts get display
    // names; seeded demonstration rows are marked. An incident keeps the hub's room it
    // happened in (the zone when it is a room, else its camera's room at arrival), the
    // edge's zone name, and who raised it when a person did (one-button alarm). Incidents
    // without an edge or camera (an alarm from the dashboard) store '' in those NOT NULL
    // columns (SQLite cannot drop NOT NULL in place); rows.ts reads '' as null.
    sql: `
ALTER TABLE institutions ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai';
ALTER TABLE institutions ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
CREATE TABLE regions (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  name_en TEXT,
  parent_id TEXT,
  demo INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE incidents ADD COLUMN room_id TEXT;
ALTER TABLE incidents ADD COLUMN zone_name TEXT;
ALTER TABLE incidents ADD COLUMN raised_by TEXT;
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
    // Issue 25. Children are keyed per institution (an id an edge reports is looked up in
    // the edge's institution only); attendance keeps id, time, source and confidence, never
    // face data. One derived row per child and local day (the institution's time zone).
    // Flags are 0/1 integers on both backends so one SQL layer serves both.
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
  confidence REAL NOT NULL,
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
