/**
 * PostgreSQL backend (pg Pool): the same store logic and semantics as SQLite. Statements
 * are written with `?` and rewritten to `$n` once; each gets a name so every pooled
 * connection prepares it once. Work on one incident id is serialised with a
 * transaction-scoped advisory lock, so several hubs can ingest into one database.
 */
import pg from 'pg';
import { StoreError } from './errors.ts';
import { postgresMigrations } from './migrations/postgres.ts';
import type { SqlDb, SqlExecutor, SqlParam } from './sql/executor.ts';
import { SqlStore } from './sql/sql-store.ts';
import type { Store } from './types.ts';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema to work in (search_path); must exist. Default: the server's search_path. */
  schema?: string;
  maxConnections?: number;
  /**
   * false → `synchronous_commit = off`: commits return before the WAL reaches disk, so a
   * database crash may lose the last few hundred milliseconds of commits (never corrupts).
   * The same trade as SQLite's WAL + `synchronous=NORMAL`; about 5–10× more sequential
   * ingest on a disk with slow fsync. Default true (durable).
   */
  synchronousCommit?: boolean;
  /** Errors of idle pooled connections (e.g. the server restarted); default: a process warning. */
  onError?: (err: Error) => void;
}

interface Prepared {
  name: string;
  text: string;
}

type Queryable = pg.Pool | pg.PoolClient;

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

class PgDb implements SqlDb {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #prepared = new Map<string, Prepared>();

  constructor(opts: PostgresStoreOptions) {
    if (opts.schema !== undefined && !SCHEMA_RE.test(opts.schema)) {
      throw new StoreError('bad_url', `invalid PostgreSQL schema name ${JSON.stringify(opts.schema)}`);
    }
    const settings: string[] = [];
    if (opts.schema) settings.push(`-c search_path=${opts.schema}`);
    if (opts.synchronousCommit === false) settings.push('-c synchronous_commit=off');
    this.#pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.maxConnections ?? 10,
      ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
    });
    const onError = opts.onError ?? ((err: Error) => process.emitWarning(`PostgreSQL pool: ${err.message}`));
    this.#pool.on('error', onError);
  }

  #prep(sql: string): Prepared {
    let p = this.#prepared.get(sql);
    if (!p) {
      let n = 0;
      p = { name: `anyu_${this.#prepared.size}`, text: sql.replace(/\?/g, () => `$${++n}`) };
      this.#prepared.set(sql, p);
    }
    return p;
  }

  async #query<T>(on: Queryable, sql: string, params: readonly SqlParam[] = []): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    const p = this.#prep(sql);
    return on.query<T & pg.QueryResultRow>({ name: p.name, text: p.text, values: [...params] });
  }

  #executor(on: Queryable): SqlExecutor {
    return {
      all: async <T>(sql: string, params?: readonly SqlParam[]) => (await this.#query<T>(on, sql, params)).rows,
      get: async <T>(sql: string, params?: readonly SqlParam[]) => (await this.#query<T>(on, sql, params)).rows[0],
      run: async (sql: string, params?: readonly SqlParam[]) => (await this.#query(on, sql, params)).rowCount ?? 0,
      lockKey: async (key: string) => {
        await this.#query(on, 'SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [key]);
      },
      exec: async (script: string) => {
        await on.query(script);
      },
    };
  }

  all<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
    return this.#executor(this.#pool).all<T>(sql, params);
  }
  get<T>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined> {
    return this.#executor(this.#pool).get<T>(sql, params);
  }
  run(sql: string, params?: readonly SqlParam[]): Promise<number> {
    return this.#executor(this.#pool).run(sql, params);
  }
  /** Outside a transaction an advisory lock would be released at once: nothing to do. */
  lockKey(): Promise<void> {
    return Promise.resolve();
  }
  exec(script: string): Promise<void> {
    return this.#executor(this.#pool).exec(script);
  }

  async tx<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(this.#executor(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // The connection is in an unknown state: drop it from the pool.
        broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  isUniqueViolation(err: unknown): boolean {
    return (err as { code?: unknown } | null)?.code === '23505';
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

/** A PostgreSQL store; call `migrate()` before use. */
export function createPostgresStore(opts: PostgresStoreOptions): Store {
  return new SqlStore(new PgDb(opts), postgresMigrations);
}
