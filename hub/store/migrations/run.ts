import type { SqlDb } from '../sql/executor.ts';
import type { Migration } from './types.ts';

/**
 * Applies the migrations not yet recorded in `schema_migrations`, all in one transaction
 * under a lock, so two hubs starting at once on one PostgreSQL database cannot both apply
 * the same version. Returns the versions applied.
 */
export async function runMigrations(db: SqlDb, list: readonly Migration[]): Promise<number[]> {
  const ordered = [...list].sort((a, b) => a.version - b.version);
  return db.tx(async (q) => {
    await q.lockKey('anyu:schema_migrations');
    await q.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)',
    );
    const rows = await q.all<{ version: number | string; name: string }>('SELECT version, name FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    // A version recorded under another name was applied by a build whose numbering this
    // hub does not share (a development branch): running the rest would fail half-way or
    // skip a change, so stop and say which.
    for (const r of rows) {
      const m = ordered.find((x) => x.version === Number(r.version));
      if (m && m.name !== r.name) {
        throw new Error(
          `the database records migration ${m.version} as '${r.name}', but this hub's migration ${m.version} is '${m.name}': it was migrated by another build of the hub; restore a backup taken before that build or start from an empty database`,
        );
      }
    }
    const applied: number[] = [];
    for (const m of ordered) {
      if (done.has(m.version)) continue;
      await q.exec(m.sql);
      await q.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
