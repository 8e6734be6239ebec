/**
 * Picks the backend: a `postgres://` or `postgresql://` URL → PostgreSQL, anything else
 * unset → SQLite at `sqlitePath` (`:memory:` allowed). The returned store is migrated.
 */
import { StoreError } from './errors.ts';
import { createPostgresStore } from './postgres.ts';
import { createSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export interface CreateStoreOptions {
  /** Database URL (e.g. `DATABASE_URL`); only PostgreSQL URLs are accepted. */
  url?: string;
  /** SQLite file when no URL is given; the caller picks the default (e.g. `<data>/anyu.db`). */
  sqlitePath?: string;
  /** PostgreSQL schema (search_path) to use; it must exist. */
  schema?: string;
  /** PostgreSQL only: false trades the last commits on a database crash for speed (see postgres.ts). */
  synchronousCommit?: boolean;
}

export async function createStore(opts: CreateStoreOptions): Promise<Store> {
  const unavailable = (err: unknown) => {
    const where = opts.url?.trim() ? `PostgreSQL at ${redact(opts.url.trim())}` : `SQLite at ${opts.sqlitePath}`;
    const why = err instanceof Error ? err.message : String(err);
    return new StoreError('unavailable', `cannot open the store (${where}): ${why}`, { cause: err });
  };
  let store: Store;
  try {
    store = openStore(opts);
  } catch (err) {
    throw err instanceof StoreError ? err : unavailable(err);
  }
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw unavailable(err);
  }
  return store;
}

function openStore(opts: CreateStoreOptions): Store {
  const url = opts.url?.trim();
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new StoreError('bad_url', `database URL is not a URL: ${redact(url)}`);
    }
    if (parsed.protocol === 'postgres:' || parsed.protocol === 'postgresql:') {
      return createPostgresStore({
        connectionString: url,
        ...(opts.schema ? { schema: opts.schema } : {}),
        ...(opts.synchronousCommit !== undefined ? { synchronousCommit: opts.synchronousCommit } : {}),
      });
    }
    if (parsed.protocol === 'sqlite:' || parsed.protocol === 'file:') {
      throw new StoreError('bad_url', `for SQLite, leave the database URL unset and pass a file path instead of ${redact(url)}`);
    }
    throw new StoreError('bad_url', `unsupported database URL scheme ${parsed.protocol} (use postgres:// or postgresql://)`);
  }
  if (!opts.sqlitePath) throw new StoreError('bad_url', 'no database: give a PostgreSQL URL or a SQLite path');
  return createSqliteStore(opts.sqlitePath);
}

/** URLs may carry passwords; errors must not. */
function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

export { StoreError } from './errors.ts';
export type { Store, Scope } from './types.ts';
