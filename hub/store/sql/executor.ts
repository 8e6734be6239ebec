/**
 * The small SQL surface the shared store logic needs. SQLite and PostgreSQL each provide
 * one; statements are written once with `?` parameters (the PostgreSQL side rewrites
 * them to `$n`).
 */
export type SqlParam = string | number | boolean | null | Buffer;

export interface SqlExecutor {
  all<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
  /**
   * Serialises work on one incident id until the transaction ends (PostgreSQL uses an
   * advisory lock; SQLite transactions are already serial).
   */
  lockKey(key: string): Promise<void>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlDb extends SqlExecutor {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  tx<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T>;
  /** Whether a driver error is a unique-constraint violation. */
  isUniqueViolation(err: unknown): boolean;
  close(): Promise<void>;
}
