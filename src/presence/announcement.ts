import type { PresenceKind } from './presence-key.ts';

/** What a console says about its edit: who, from where, since when, and which record. */
export interface Announcement {
  kind: PresenceKind;
  id: string;
  /** The actor without its SSH origin: `boris`, `alice (sudo as root)`. */
  who: string;
  /** The SSH client's address, else the host cabinet runs on. */
  from: string;
  since: Date;
}

const MAX_ID = 200;
const MAX_WHO = 100;
/** PostgreSQL keeps 63 bytes of application_name. */
const APP_NAME_BYTES = 63;

/**
 * The statement that takes the locks, which pg_stat_activity shows as the session's last query for as long
 * as the transaction is held: the announcements ride in it as a string literal of pure-ASCII JSON in which
 * `'` is `\u0027`, so no value can end the literal, whatever the id or actor holds.
 */
export function claimStatement(claims: readonly (Announcement & { namespace: number; key: number })[]): string {
  const locks = claims.map((c) => `pg_try_advisory_xact_lock_shared(${c.namespace | 0}, ${c.key | 0})`).join(', ');
  const body = claims.map((c) => ({
    kind: c.kind,
    ...(c.id.length <= MAX_ID ? { id: c.id } : {}),
    who: c.who.slice(0, MAX_WHO),
    from: c.from.slice(0, 64),
    since: c.since.toISOString(),
  }));
  const json = JSON.stringify(body).replace(/[\u007f-\uffff']/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `select ${locks} as cabinet_presence, '${json}' as announcement`;
}

export interface ReadAnnouncement {
  kind: PresenceKind;
  id?: string;
  who: string;
  from: string;
  since: Date | null;
}

/** The announcements in a session's query text (pg_stat_activity.query); [] when it is not ours or hidden. */
export function parseClaimStatement(query: string | null): ReadAnnouncement[] {
  const m = query ? / as cabinet_presence, '([^']*)' as announcement$/.exec(query) : null;
  if (!m) return [];
  try {
    const parsed = JSON.parse(m[1]!) as unknown;
    if (!Array.isArray(parsed)) return [];
    const out: ReadAnnouncement[] = [];
    for (const a of parsed as Record<string, unknown>[]) {
      if (!a || (a.kind !== 'site' && a.kind !== 'user') || typeof a.who !== 'string' || typeof a.from !== 'string') continue;
      const since = typeof a.since === 'string' ? new Date(a.since) : null;
      out.push({ kind: a.kind, ...(typeof a.id === 'string' ? { id: a.id } : {}), who: a.who, from: a.from, since: since && !Number.isNaN(since.getTime()) ? since : null });
    }
    return out;
  } catch {
    return [];
  }
}

/**
 * The short form in application_name, which every role may read in pg_stat_activity (the query text only
 * the same role or pg_read_all_stats): `cabinet <since, base-36 seconds> <from> <who>`, ASCII, cut to 63 bytes.
 */
export function applicationName(a: Pick<Announcement, 'who' | 'from' | 'since'>): string {
  const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');
  const from = ascii(a.from).replace(/\s+/g, '_') || '-';
  const text = `cabinet ${Math.floor(a.since.getTime() / 1000).toString(36)} ${from} ${ascii(a.who)}`;
  return text.length > APP_NAME_BYTES ? `${text.slice(0, APP_NAME_BYTES - 1)}~` : text;
}

export function parseApplicationName(name: string | null): Omit<ReadAnnouncement, 'kind'> | null {
  const m = name ? /^cabinet ([0-9a-z]+) (\S+) (.+)$/.exec(name) : null;
  if (!m) return null;
  const seconds = parseInt(m[1]!, 36);
  return { who: m[3]!.endsWith('~') && name!.length >= APP_NAME_BYTES ? `${m[3]!.slice(0, -1)}…` : m[3]!, from: m[2]!, since: Number.isFinite(seconds) ? new Date(seconds * 1000) : null };
}
