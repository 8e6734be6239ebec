/**
 * SQLite backend (better-sqlite3): the embedded default. WAL with `synchronous=NORMAL`
 * (durable across process crashes, may lose the last commits on power loss, which MQTT
 * QoS1 redelivery covers), foreign keys on, statements prepared once and cached.
 *
 * better-sqlite3 is synchronous, but the shared store logic awaits between statements of
 * a transaction; a queue makes sure nothing else runs on the connection meanwhile.
 */
import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { sqliteMigrations } from './migrations/sqlite.ts';
import type { SqlDb, SqlExecutor, SqlParam } from './sql/executor.ts';
import { SqlStore } from './sql/sql-store.ts';
import type { Store } from './types.ts';

type Statement = Database.Statement<unknown[], unknown>;
type Bound = string | number | bigint | Buffer | null;

/** Dynamic IN-lists make a few statement variants; more than this means something is off. */
const MAX_CACHED_STATEMENTS = 500;

const bind = (params: readonly SqlParam[]): Bound[] =>
  params.map((p) => (p === true ? 1 : p === false ? 0 : p));

class SqliteDb implements SqlDb {
  readonly kind = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #stmts = new Map<string, Statement>();
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  readonly #direct: SqlExecutor;

  constructor(source: string | Database.Database) {
    if (typeof source === 'string' && source !== ':memory:' && !source.startsWith('file:')) ownerOnly(source);
    this.#db = typeof source === 'string' ? new Database(source) : source;
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    this.#direct = {
      all: async <T>(sql: string, params: readonly SqlParam[] = []) => this.#prep(sql).all(...bind(params)) as T[],
      get: async <T>(sql: string, params: readonly SqlParam[] = []) =>
        this.#prep(sql).get(...bind(params)) as T | undefined,
      run: async (sql: string, params: readonly SqlParam[] = []) => this.#prep(sql).run(...bind(params)).changes,
      lockKey: async () => undefined,
      exec: async (script: string) => {
        this.#db.exec(script);
      },
    };
  }

  #prep(sql: string): Statement {
    let s = this.#stmts.get(sql);
    if (!s) {
      if (this.#stmts.size >= MAX_CACHED_STATEMENTS) this.#stmts.clear();
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  /** Runs `fn` after everything queued before it; outside transactions with an idle queue, at once. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#pending === 0 && !this.#db.inTransaction) return fn();
    this.#pending += 1;
    const p = this.#tail.then(fn).finally(() => {
      this.#pending -= 1;
    });
    this.#tail = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  all<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
    return this.#serial(() => this.#direct.all<T>(sql, params));
  }
  get<T>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined> {
    return this.#serial(() => this.#direct.get<T>(sql, params));
  }
  run(sql: string, params?: readonly SqlParam[]): Promise<number> {
    return this.#serial(() => this.#direct.run(sql, params));
  }
  lockKey(): Promise<void> {
    return Promise.resolve();
  }
  exec(script: string): Promise<void> {
    return this.#serial(() => this.#direct.exec(script));
  }

  tx<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T> {
    this.#pending += 1;
    const run = async (): Promise<T> => {
      // IMMEDIATE takes the write lock up front, so another process on the same file
      // waits (busy_timeout) instead of failing half-way through.
      this.#prep('BEGIN IMMEDIATE').run();
      try {
        const result = await fn(this.#direct);
        this.#prep('COMMIT').run();
        return result;
      } catch (err) {
        if (this.#db.inTransaction) this.#prep('ROLLBACK').run();
        throw err;
      }
    };
    const p = this.#tail.then(run).finally(() => {
      this.#pending -= 1;
    });
    this.#tail = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  isUniqueViolation(err: unknown): boolean {
    const code = (err as { code?: unknown } | null)?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  async close(): Promise<void> {
    await this.#tail;
    this.#stmts.clear();
    if (this.#db.open) this.#db.close();
  }
}

/**
 * The database holds children's incidents, snapshots and password hashes: readable by the
 * hub's user only (0600), also when an older version created it 0644. SQLite gives its
 * -wal and -shm files the database file's mode.
 */
function ownerOnly(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

/**
 * A SQLite store on a file (created if needed), `:memory:`, or an open better-sqlite3
 * connection (which the store then owns and closes). Call `migrate()` before use.
 */
export function createSqliteStore(source: string | Database.Database): Store {
  return new SqlStore(new SqliteDb(source), sqliteMigrations);
}
