/**
 * Who may connect to the embedded broker, answered the same way for every wrong guess:
 *
 * - An edge signs in with username = its edge id and must use its own client id
 *   (`anyu-edge-<edgeId>`, or that followed by `:` and anything for a second tool of the
 *   same edge). Any other client id is refused before aedes registers the session, so an
 *   edge can neither take over another edge's session nor kick it offline.
 * - An unknown username costs the same scrypt as a wrong password (a decoy hash), so the
 *   answer's timing does not tell which edge ids exist.
 * - Sign-in attempts are counted per source address before any password work and given
 *   back when they succeed (rate-limiter-flexible, the usual brute-force guard), so only
 *   failures stay counted. Past the limit the address is blocked until the window passes:
 *   its sockets are closed as they are accepted, before aedes parses anything. An address
 *   may also hold only `pendingPerAddress` sockets that have not signed in yet; more are
 *   closed at accept. A flood of bad passwords, even all arriving at once, therefore
 *   costs a handful of scrypt runs and almost no event-loop time, and cannot queue work in
 *   front of a real edge from elsewhere (scrypt runs on libuv's thread pool of 4, shared
 *   with HTTP logins).
 * - A password that verified once is remembered as its SHA-256 for the edge's stored hash,
 *   so a known edge reconnecting (after a hub or network hiccup) needs no scrypt at all;
 *   rotating the password changes the stored hash and voids the entry.
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { isEdgeClientId } from '../../protocol/index.ts';
import { hashPassword, newToken, safeEqual, sha256Hex, verifyPassword } from '../auth/passwords.ts';
import type { EdgeRecord, Store } from '../store/types.ts';

export interface EdgeAuthLimits {
  /** Failed sign-ins one address may make per window before it is blocked. */
  failuresPerAddress: number;
  windowSeconds: number;
  /** Sockets of one address open and not yet signed in (an edge makes one at a time). */
  pendingPerAddress: number;
}

export const DEFAULT_EDGE_AUTH_LIMITS: EdgeAuthLimits = { failuresPerAddress: 10, windowSeconds: 60, pendingPerAddress: 4 };

export type EdgeAuthResult =
  | { ok: true; edge: EdgeRecord }
  | { ok: false; reason: 'throttled' | 'client_id' | 'credentials' };

export interface EdgeAuth {
  /** At TCP accept, synchronous and cheap: false when the address is blocked or has too many sockets pending. */
  accept(address: string): boolean;
  /** A socket `accept` let in signed in, or closed before it did. Call once per socket. */
  settled(address: string): void;
  check(address: string, clientId: string, username: string, password: string): Promise<EdgeAuthResult>;
}

export async function createEdgeAuth(store: Pick<Store, 'getEdge'>, limits: EdgeAuthLimits = DEFAULT_EDGE_AUTH_LIMITS): Promise<EdgeAuth> {
  const attempts = new RateLimiterMemory({ points: limits.failuresPerAddress, duration: limits.windowSeconds });
  const decoyHash = await hashPassword(newToken());
  /** edge id → SHA-256 of a password that verified against `passwordHash`. */
  const verified = new Map<string, { passwordHash: string; digest: string }>();
  const blockedUntil = new Map<string, number>();
  const pending = new Map<string, number>();

  return {
    accept(address) {
      const until = blockedUntil.get(address);
      if (until !== undefined) {
        if (until > Date.now()) return false;
        blockedUntil.delete(address);
      }
      const n = pending.get(address) ?? 0;
      if (n >= limits.pendingPerAddress) return false;
      pending.set(address, n + 1);
      return true;
    },
    settled(address) {
      const left = (pending.get(address) ?? 1) - 1;
      if (left <= 0) pending.delete(address);
      else pending.set(address, left);
    },
    async check(address, clientId, username, password) {
      // consume() rejects once the address has used up its attempts in this window.
      const over = await attempts.consume(address).then(
        () => null,
        (res: { msBeforeNext?: number }) => res.msBeforeNext ?? limits.windowSeconds * 1000,
      );
      if (over !== null) {
        blockedUntil.set(address, Date.now() + over);
        return { ok: false, reason: 'throttled' };
      }
      const edge = await store.getEdge(username);
      const cached = edge ? verified.get(edge.id) : undefined;
      const digest = sha256Hex(password);
      let ok: boolean;
      if (edge && cached && cached.passwordHash === edge.passwordHash && safeEqual(cached.digest, digest)) ok = true;
      else ok = (await verifyPassword(password, edge?.passwordHash ?? decoyHash)) && edge !== null;
      if (!ok || !edge) return { ok: false, reason: 'credentials' };
      verified.set(edge.id, { passwordHash: edge.passwordHash, digest });
      // Checked after the password so a wrong id costs the same and says nothing more.
      if (!isEdgeClientId(clientId, edge.id)) return { ok: false, reason: 'client_id' };
      await attempts.reward(address, 1);
      return { ok: true, edge };
    },
  };
}
