/** Users, sessions and the append-only audit log. */
import { randomUUID } from 'node:crypto';
import type { UserView } from '../../../protocol/index.ts';
import { StoreError } from '../errors.ts';
import type { AuditEntry, NewUser, Scope, StoredUser } from '../types.ts';
import type { SqlDb, SqlExecutor } from './executor.ts';
import { scopeSql } from './scope.ts';
import { fromJsonOrNull, isoTime, toUser, type UserRow } from './rows.ts';

export async function createUser(db: SqlDb, u: NewUser): Promise<string> {
  const id = randomUUID();
  try {
    await db.run(
      `INSERT INTO users (id, username, display_name, role, institution_id, region_id, password_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [id, u.username, u.displayName, u.role, u.institutionId, u.regionId, u.passwordHash],
    );
  } catch (err) {
    if (db.isUniqueViolation(err)) throw new StoreError('username_taken', `username ${u.username} is taken`);
    throw err;
  }
  return id;
}

export async function getUserByUsername(db: SqlExecutor, username: string): Promise<StoredUser | null> {
  const r = await db.get<UserRow>('SELECT * FROM users WHERE username = ?', [username]);
  return r ? { ...toUser(r), passwordHash: r.password_hash } : null;
}

export async function getUser(db: SqlExecutor, id: string): Promise<UserView | null> {
  const r = await db.get<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
  return r ? toUser(r) : null;
}

export async function createSession(db: SqlExecutor, tokenHash: string, userId: string, expiresAt: string): Promise<void> {
  await db.run('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)', [
    tokenHash,
    userId,
    isoTime(expiresAt),
  ]);
}

export async function getSessionUser(db: SqlExecutor, tokenHash: string, now: string): Promise<UserView | null> {
  const r = await db.get<UserRow>(
    'SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?',
    [tokenHash, isoTime(now)],
  );
  return r ? toUser(r) : null;
}

export async function deleteSession(db: SqlExecutor, tokenHash: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]);
}

export async function audit(db: SqlExecutor, e: AuditEntry): Promise<void> {
  await db.run('INSERT INTO audit (at, actor, action, target, institution_id, detail) VALUES (?, ?, ?, ?, ?, ?)', [
    isoTime(e.at),
    e.actor,
    e.action,
    e.target,
    e.institutionId,
    e.detail === null ? null : JSON.stringify(e.detail),
  ]);
}

interface AuditRow {
  at: string;
  actor: string;
  action: string;
  target: string;
  institution_id: string | null;
  detail: unknown;
}

/** Newest first. Entries without an institution are visible to the `all` scope only. */
export async function listAudit(db: SqlExecutor, scope: Scope, limit: number): Promise<AuditEntry[]> {
  const s = scopeSql(scope, 'institution_id');
  const rows = await db.all<AuditRow>(
    `SELECT at, actor, action, target, institution_id, detail FROM audit WHERE ${s.sql} ORDER BY id DESC LIMIT ?`,
    [...s.params, Math.max(0, Math.floor(limit))],
  );
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    institutionId: r.institution_id,
    detail: fromJsonOrNull<Record<string, unknown>>(r.detail),
  }));
}
