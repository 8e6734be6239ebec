/** The guardian port's tables for both SQL backends (see ../guardian-types.ts). */
import { randomUUID } from 'node:crypto';
import type { GuardianLink, GuardianStore, NoticeRecord } from '../guardian-types.ts';
import type { SqlDb, SqlExecutor } from './executor.ts';
import { isoTime } from './rows.ts';

interface LinkRow { user_id: string; institution_id: string; child_id: string; guardian_n: number; linked_at: string }
interface InviteRow { institution_id: string; child_id: string; guardian_n: number; expires_at: string; used_at: string | null }
interface NoticeRow { id: string; institution_id: string; title: string; body: string; posted_by: string; posted_at: string }

const toLink = (r: LinkRow): GuardianLink => ({ userId: r.user_id, institutionId: r.institution_id, childId: r.child_id, guardianN: Number(r.guardian_n), linkedAt: r.linked_at });

async function checkInvite(q: SqlExecutor, codeHash: string, at: string): Promise<InviteRow | 'invalid' | 'expired' | 'used'> {
  const inv = await q.get<InviteRow>('SELECT institution_id, child_id, guardian_n, expires_at, used_at FROM guardian_invites WHERE code_hash = ?', [codeHash]);
  if (!inv) return 'invalid';
  if (inv.used_at) return 'used';
  if (inv.expires_at <= isoTime(at)) return 'expired';
  return inv;
}

async function useInvite(q: SqlExecutor, codeHash: string, inv: InviteRow, userId: string, at: string): Promise<GuardianLink> {
  // The UPDATE is the single-use guard: a second redeemer in a race changes no row.
  const changed = await q.run('UPDATE guardian_invites SET used_at = ?, used_by = ? WHERE code_hash = ? AND used_at IS NULL', [isoTime(at), userId, codeHash]);
  if (changed !== 1) throw new RaceLost();
  await q.run(
    'INSERT INTO guardian_links (user_id, institution_id, child_id, guardian_n, linked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, institution_id, child_id) DO NOTHING',
    [userId, inv.institution_id, inv.child_id, inv.guardian_n, isoTime(at)],
  );
  return { userId, institutionId: inv.institution_id, childId: inv.child_id, guardianN: Number(inv.guardian_n), linkedAt: isoTime(at) };
}

class RaceLost extends Error {}

export function guardianStore(db: SqlDb): GuardianStore {
  return {
    createInvite: async (codeHash, i) => {
      const g = await db.get('SELECT 1 AS one FROM guardians WHERE institution_id = ? AND child_id = ? AND n = ?', [i.institutionId, i.childId, i.guardianN]);
      if (!g) return false;
      await db.run(
        'INSERT INTO guardian_invites (code_hash, institution_id, child_id, guardian_n, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [codeHash, i.institutionId, i.childId, i.guardianN, i.createdBy, isoTime(i.createdAt), isoTime(i.expiresAt)],
      );
      return true;
    },

    redeemInvite: async (codeHash, u, at) => {
      try {
        return await db.tx(async (q) => {
          const inv = await checkInvite(q, codeHash, at);
          if (typeof inv === 'string') return { outcome: inv };
          if (await q.get('SELECT 1 AS one FROM users WHERE username = ?', [u.username])) return { outcome: 'username_taken' as const };
          const userId = randomUUID();
          await q.run(
            `INSERT INTO users (id, username, display_name, role, institution_id, region_id, password_hash) VALUES (?, ?, ?, 'guardian', ?, NULL, ?)`,
            [userId, u.username, u.displayName, inv.institution_id, u.passwordHash],
          );
          const link = await useInvite(q, codeHash, inv, userId, at);
          return { outcome: 'created' as const, userId, link };
        });
      } catch (err) {
        if (err instanceof RaceLost) return { outcome: 'used' };
        if (db.isUniqueViolation(err)) return { outcome: 'username_taken' };
        throw err;
      }
    },

    redeemInviteFor: async (codeHash, userId, institutionId, at) => {
      try {
        return await db.tx(async (q) => {
          const inv = await checkInvite(q, codeHash, at);
          if (typeof inv === 'string') return { outcome: inv };
          // A guardian account belongs to one institution (its sessions are scoped to it).
          if (inv.institution_id !== institutionId) return { outcome: 'invalid' as const };
          const link = await useInvite(q, codeHash, inv, userId, at);
          return { outcome: 'created' as const, userId, link };
        });
      } catch (err) {
        if (err instanceof RaceLost) return { outcome: 'used' };
        throw err;
      }
    },

    linkFor: async (userId, childId) => {
      const r = await db.get<LinkRow>('SELECT * FROM guardian_links WHERE user_id = ? AND child_id = ?', [userId, childId]);
      return r ? toLink(r) : null;
    },
    linksOf: async (userId) => (await db.all<LinkRow>('SELECT * FROM guardian_links WHERE user_id = ? ORDER BY child_id', [userId])).map(toLink),
    guardiansOfChild: async (institutionId, childId) =>
      (await db.all<{ user_id: string }>('SELECT user_id FROM guardian_links WHERE institution_id = ? AND child_id = ? ORDER BY user_id', [institutionId, childId])).map((r) => r.user_id),

    linkIncident: async (institutionId, incidentId, childIds, by, at) =>
      db.tx(async (q) => {
        const known = new Set((await q.all<{ id: string }>('SELECT id FROM children WHERE institution_id = ?', [institutionId])).map((r) => r.id));
        const unknown = childIds.filter((c) => !known.has(c));
        if (unknown.length > 0) return { unknown };
        await q.run('DELETE FROM incident_children WHERE institution_id = ? AND incident_id = ?', [institutionId, incidentId]);
        for (const c of new Set(childIds)) {
          await q.run('INSERT INTO incident_children (incident_id, institution_id, child_id, linked_by, linked_at) VALUES (?, ?, ?, ?, ?)', [incidentId, institutionId, c, by, isoTime(at)]);
        }
        return { unknown: [] };
      }),
    incidentChildren: async (institutionId, incidentId) =>
      (await db.all<{ child_id: string }>('SELECT child_id FROM incident_children WHERE institution_id = ? AND incident_id = ? ORDER BY child_id', [institutionId, incidentId])).map((r) => r.child_id),
    incidentsOfChild: async (institutionId, childId) =>
      (await db.all<{ incident_id: string }>('SELECT incident_id FROM incident_children WHERE institution_id = ? AND child_id = ? ORDER BY linked_at DESC', [institutionId, childId])).map((r) => r.incident_id),

    postNotice: async (n: NoticeRecord) => {
      await db.run('INSERT INTO notices (id, institution_id, title, body, posted_by, posted_at) VALUES (?, ?, ?, ?, ?, ?)', [n.id, n.institutionId, n.title, n.body, n.postedBy, isoTime(n.postedAt)]);
    },
    listNotices: async (institutionId, limit) =>
      (await db.all<NoticeRow>('SELECT * FROM notices WHERE institution_id = ? ORDER BY posted_at DESC LIMIT ?', [institutionId, Math.max(0, Math.floor(limit))])).map((r) => ({
        id: r.id, institutionId: r.institution_id, title: r.title, body: r.body, postedBy: r.posted_by, postedAt: r.posted_at,
      })),
    markNoticesSeen: async (userId, at) => {
      await db.run('INSERT INTO guardian_state (user_id, notices_seen_at) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET notices_seen_at = excluded.notices_seen_at', [userId, isoTime(at)]);
    },
    noticesSeenAt: async (userId) => (await db.get<{ notices_seen_at: string | null }>('SELECT notices_seen_at FROM guardian_state WHERE user_id = ?', [userId]))?.notices_seen_at ?? null,
  };
}
