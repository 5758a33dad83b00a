import type { SqlQuery } from '../db/sql-query.ts';
import { parseApplicationName, parseClaimStatement } from './announcement.ts';
import { PRESENCE_NAMESPACE, presenceKey, type PresenceKind } from './presence-key.ts';

/** Someone editing a record, as another console sees it. */
export interface PresenceEntry {
  kind: PresenceKind;
  /** The record's key (presenceKey of its id). */
  key: number;
  /** The record's id, when the announcement is readable (else match by key). */
  id?: string;
  /** Who and from where; null when neither the query text nor the application_name could be read. */
  who: string | null;
  from: string | null;
  since: Date | null;
  /** The database role of that session (always readable). */
  role: string | null;
  /** The server process holding the lock. */
  pid: number;
  /**
   * `full`: the announcement itself (same role, or pg_read_all_stats); `short`: only the application_name
   * (63 bytes, ASCII; a long name is cut); `hidden`: only that role's session holds the record.
   */
  detail: 'full' | 'short' | 'hidden';
}

interface Row {
  pid: number;
  ns: string;
  key: string;
  role: string | null;
  app: string | null;
  query: string | null;
  xact_start: Date | null;
}

/**
 * The presence locks in this database and the sessions holding them: pg_locks (readable by every role)
 * joined with pg_stat_activity (application_name for every role; the query text and times only for the
 * same role or pg_read_all_stats). A lock lives exactly as long as the holder's transaction, so a console
 * that dies or leaves the form is gone from the next read.
 */
export const PRESENCE_SQL = `select l.pid, l.classid::bigint::text as ns, l.objid::bigint::text as key, a.usename as role,
  a.application_name as app, a.query, a.xact_start
from pg_catalog.pg_locks l left join pg_catalog.pg_stat_activity a on a.pid = l.pid
where l.locktype = 'advisory' and l.granted and l.objsubid = 2
  and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
  and l.classid in (${PRESENCE_NAMESPACE.site}::bigint::oid, ${PRESENCE_NAMESPACE.user}::bigint::oid)
order by l.pid`;

const KIND_OF = new Map<number, PresenceKind>(Object.entries(PRESENCE_NAMESPACE).map(([kind, ns]) => [ns, kind as PresenceKind]));

export async function readPresence(query: SqlQuery): Promise<PresenceEntry[]> {
  const rows = await query<Row>(PRESENCE_SQL);
  const entries: PresenceEntry[] = [];
  for (const row of rows) {
    const kind = KIND_OF.get(Number(row.ns));
    if (!kind) continue;
    const key = Number(row.key) | 0;
    // A session holding several locks announces them all in one statement: find this lock's entry.
    const full = parseClaimStatement(row.query).find((a) => a.kind === kind && (a.id === undefined || presenceKey(a.id) === key));
    const short = full ? null : parseApplicationName(row.app);
    const base = { kind, key, pid: row.pid, role: row.role };
    if (full) entries.push({ ...base, ...(full.id !== undefined ? { id: full.id } : {}), who: full.who, from: full.from, since: full.since ?? row.xact_start, detail: 'full' });
    else if (short) entries.push({ ...base, who: short.who, from: short.from, since: short.since ?? row.xact_start, detail: 'short' });
    else entries.push({ ...base, who: null, from: null, since: row.xact_start, detail: 'hidden' });
  }
  return entries;
}

/** The entries about one record: its key, and its id where the announcement names one. */
export function editorsOf(entries: readonly PresenceEntry[], kind: PresenceKind, id: string, key: number): PresenceEntry[] {
  return entries.filter((e) => e.kind === kind && e.key === key && (e.id === undefined || e.id === id));
}
