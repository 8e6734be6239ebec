/**
 * Durable outbox: every QoS1 message (incidents, snapshots) is written to a SQLite file
 * before it is handed to MQTT, and deleted only after the broker's PUBACK. A crash or a
 * broker outage therefore never loses a message; a message whose PUBACK was lost is sent
 * again, and the hub drops the repeat by (incident id, seq).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface OutboxEntry {
  id: number;
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  createdAt: number;
}

interface Row {
  id: number;
  topic: string;
  payload: Buffer;
  qos: number;
  retain: number;
  created_at: number;
}

export interface OutboxOptions {
  dir: string;
  /** File name inside `dir`; one outbox per edge. */
  file?: string;
  /** Above this many bytes of payload, the oldest snapshots are evicted first. */
  maxBytes?: number;
}

export class Outbox {
  readonly #db: Database.Database;
  readonly #maxBytes: number;
  readonly #insert: Database.Statement<[string, Buffer, number, number, number, number]>;
  readonly #after: Database.Statement<[number, number], Row>;
  readonly #delete: Database.Statement<[number]>;
  evicted = 0;

  constructor(opts: OutboxOptions) {
    mkdirSync(opts.dir, { recursive: true });
    this.#db = new Database(join(opts.dir, opts.file ?? 'outbox.sqlite'));
    // WAL + synchronous=FULL: a committed insert survives a process kill and a power cut.
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      topic TEXT NOT NULL,
      payload BLOB NOT NULL,
      qos INTEGER NOT NULL,
      retain INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      bytes INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS open_incidents (
      id TEXT PRIMARY KEY,
      event TEXT NOT NULL
    )`);
    this.#maxBytes = opts.maxBytes ?? 512 * 1024 * 1024;
    this.#insert = this.#db.prepare(
      'INSERT INTO outbox (topic, payload, qos, retain, created_at, bytes) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#after = this.#db.prepare(
      'SELECT id, topic, payload, qos, retain, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.#delete = this.#db.prepare('DELETE FROM outbox WHERE id = ?');
  }

  add(topic: string, payload: Buffer, qos: 0 | 1 | 2, retain: boolean, now: number): number {
    const info = this.#insert.run(topic, payload, qos, retain ? 1 : 0, now, payload.length);
    this.#enforceCap();
    return Number(info.lastInsertRowid);
  }

  /**
   * Queues an incident event and, in the same transaction, remembers the latest event of
   * every incident still open, so a restarted edge knows which incidents it left open.
   */
  addIncident(topic: string, id: string, type: 'open' | 'update' | 'resolved', payload: Buffer, now: number): number {
    return this.#db.transaction(() => {
      if (type === 'resolved') this.#db.prepare('DELETE FROM open_incidents WHERE id = ?').run(id);
      else this.#db.prepare('INSERT INTO open_incidents (id, event) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET event = excluded.event').run(id, payload.toString('utf8'));
      return this.add(topic, payload, 1, false, now);
    })();
  }

  /** Latest event (JSON) of each incident left open by an earlier run. */
  openIncidents(): string[] {
    return (this.#db.prepare('SELECT event FROM open_incidents ORDER BY rowid').all() as { event: string }[]).map((r) => r.event);
  }

  /** Entries with id > `afterId`, oldest first. */
  after(afterId: number, limit: number): OutboxEntry[] {
    return this.#after.all(afterId, limit).map((r) => ({
      id: r.id,
      topic: r.topic,
      payload: r.payload,
      qos: r.qos as 0 | 1 | 2,
      retain: r.retain === 1,
      createdAt: r.created_at,
    }));
  }

  remove(id: number): void {
    this.#delete.run(id);
  }

  /** Highest id present, 0 when empty. */
  maxId(): number {
    return (this.#db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM outbox').get() as { m: number }).m;
  }

  size(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  }

  #enforceCap(): void {
    const total = (this.#db.prepare('SELECT COALESCE(SUM(bytes), 0) AS b FROM outbox').get() as { b: number }).b;
    if (total <= this.#maxBytes) return;
    // Snapshots are the bulk and the least important: incidents are kept as long as possible.
    const victims = this.#db
      .prepare("SELECT id, bytes FROM outbox ORDER BY (topic LIKE '%/snapshot/%') DESC, id LIMIT 1000")
      .all() as { id: number; bytes: number }[];
    let excess = total - this.#maxBytes;
    for (const v of victims) {
      if (excess <= 0) break;
      this.#delete.run(v.id);
      excess -= v.bytes;
      this.evicted += 1;
    }
  }

  close(): void {
    this.#db.close();
  }
}
