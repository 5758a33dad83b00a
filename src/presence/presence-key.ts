import crypto from 'node:crypto';

/** What a console can be editing. */
export type PresenceKind = 'site' | 'user';

/**
 * The first key of a presence lock says what kind of record it is about. Two-int4 advisory keys (shown in
 * pg_locks with objsubid 2) never meet cabinet's other lock, migrate's single bigint key (objsubid 1).
 * 'cabs' and 'cabu' in ASCII.
 */
export const PRESENCE_NAMESPACE: Record<PresenceKind, number> = { site: 0x63616273, user: 0x63616275 };

/**
 * The second key: the record's id, hashed (sha256, first 32 bits, signed as PostgreSQL's int4). Computed
 * here rather than with hashtext() so a list can match its rows without asking the server; two ids that
 * share a hash are told apart by the announcement's id wherever it is readable.
 */
export function presenceKey(id: string): number {
  return crypto.createHash('sha256').update(id, 'utf8').digest().readInt32BE(0);
}
