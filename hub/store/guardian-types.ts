/**
 * The guardian part of the store (issue 26): one-time invites, the guardian user ↔ child
 * links, incident ↔ child links, notices and guardian notification state. Guardian reads
 * always go through `linkFor(userId, childId)` first: no link, no data.
 */
import type { NewUser } from './types.ts';

export interface GuardianLink {
  userId: string;
  institutionId: string;
  childId: string;
  /** Which of the child's guardians (0-based, as the roster lists them). */
  guardianN: number;
  linkedAt: string;
}

export interface NoticeRecord {
  id: string;
  institutionId: string;
  title: string;
  body: string;
  postedBy: string;
  postedAt: string;
}

export interface InviteRecord {
  institutionId: string;
  childId: string;
  guardianN: number;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export type RedeemOutcome = { outcome: 'created'; userId: string; link: GuardianLink } | { outcome: 'invalid' | 'expired' | 'used' | 'username_taken' };

export interface GuardianStore {
  /** Stores an invite (hash of the code only); false when the child or guardian is not on the roster. */
  createInvite(codeHash: string, i: Omit<InviteRecord, 'usedAt'>): Promise<boolean>;
  /** Single use, in one transaction: checks the invite, creates the guardian user and the link, marks the invite used. */
  redeemInvite(codeHash: string, user: Omit<NewUser, 'role' | 'institutionId' | 'regionId'>, at: string): Promise<RedeemOutcome>;
  /** Adds another child to an existing guardian account with a further invite. */
  redeemInviteFor(codeHash: string, userId: string, institutionId: string, at: string): Promise<RedeemOutcome>;
  linkFor(userId: string, childId: string): Promise<GuardianLink | null>;
  linksOf(userId: string): Promise<GuardianLink[]>;
  /** Guardian users of one child (for notifications). */
  guardiansOfChild(institutionId: string, childId: string): Promise<string[]>;
  /** Replaces the set of children an incident concerned; returns the ids not on the roster. */
  linkIncident(institutionId: string, incidentId: string, childIds: readonly string[], by: string, at: string): Promise<{ unknown: string[] }>;
  incidentChildren(institutionId: string, incidentId: string): Promise<string[]>;
  incidentsOfChild(institutionId: string, childId: string): Promise<string[]>;
  postNotice(n: NoticeRecord): Promise<void>;
  listNotices(institutionId: string, limit: number): Promise<NoticeRecord[]>;
  markNoticesSeen(userId: string, at: string): Promise<void>;
  noticesSeenAt(userId: string): Promise<string | null>;
}
