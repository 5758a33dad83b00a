import type { EntityManager } from '@mikro-orm/postgresql';
import { CabinetError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { pgErrorOf } from './write-errors.ts';

/** Who holds a row's lock, as far as PostgreSQL lets this role see (pid and application always; since: with pg_read_all_stats or the same role). */
export interface LockHolder {
  pid: number | null;
  application: string | null;
  user: string | null;
  since: Date | null;
}

const TABLES = { sites: 'site_id', users: 'user_id' } as const;

/**
 * Called first in a write's transaction: takes the row's lock if it is free (SKIP LOCKED never waits) and
 * returns null; when another transaction holds it, returns who that is, found through the row's xmax and
 * the holder's transaction-id lock in pg_locks (pg_stat_activity hides backend_xid from other roles).
 * The write then waits for the lock as before; should the wait end in the statement or lock timeout, the
 * error says who held it (lockedError) instead of calling it an outage.
 */
export async function rowLockHolder(em: EntityManager, table: keyof typeof TABLES, id: string): Promise<LockHolder | null> {
  const run = <T extends object>(sql: string) => em.getConnection().execute<T[]>(sql, [id], 'all', em.getTransactionContext());
  const { probe, holder } = lockProbeSql(table, '?');
  const got = await run<{ one: number }>(probe);
  if (got.length > 0) return null;
  return holderOf(await run<HolderRow>(holder));
}

type HolderRow = { pid: number | null; application_name: string | null; usename: string | null; xact_start: Date | string | null };

/**
 * The two statements of rowLockHolder, for a caller that sends them with others in one message (the save
 * path): `probe` takes the lock if free (a row back: nobody held it), `holder` names who holds it.
 */
export function lockProbeSql(table: keyof typeof TABLES, param: string): { probe: string; holder: string } {
  const key = TABLES[table];
  return {
    probe: `select 1 as one from ${table} where ${key} = ${param} for update skip locked`,
    holder: `select l.pid, a.application_name, a.usename, a.xact_start
       from ${table} t
       left join pg_locks l on l.locktype = 'transactionid' and l.transactionid = t.xmax and l.granted and l.mode = 'ExclusiveLock' and l.pid <> pg_backend_pid()
       left join pg_stat_activity a on a.pid = l.pid
      where t.${key} = ${param}`,
  };
}

/** The holder from the `holder` statement's rows; null when the row does not exist (nothing to wait for). */
export function holderOf(rows: readonly HolderRow[]): LockHolder | null {
  const [holder] = rows;
  if (!holder) return null;
  return {
    pid: holder.pid ?? null,
    application: holder.application_name ?? null,
    user: holder.usename ?? null,
    since: holder.xact_start ? new Date(holder.xact_start) : null,
  };
}

/** The statement or lock timeout ended a wait for a lock. */
export function isLockWaitTimeout(error: unknown): boolean {
  const { code } = pgErrorOf(error);
  return code === '57014' || code === '55P03';
}

/** code `db-locked`: another session held the row's lock until the timeout. The database is up; nothing was written. */
export function lockedError(entity: 'site' | 'user', id: string, holder: LockHolder, cause: unknown): CabinetError {
  const who = [
    holder.pid !== null ? `pid ${holder.pid}` : null,
    holder.application ? `application ${sanitizeLine(holder.application)}` : holder.pid !== null ? 'no application name' : null,
    holder.user ? `user ${sanitizeLine(holder.user)}` : null,
    holder.since ? `since ${holder.since.toISOString()}` : null,
  ].filter(Boolean);
  return new CabinetError(
    `${entity} ${sanitizeLine(id)} is locked by another session${who.length > 0 ? ` (${who.join(', ')})` : ''}, which held it until the timeout; nothing was saved`,
    { code: 'db-locked', hint: 'the database is up; try again once that session has finished', cause },
  );
}
