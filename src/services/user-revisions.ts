import type { SqlQuery } from '../db/sql-query.ts';
import { CabinetError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { weaveHistory } from './history-weave.ts';
import { isoSql } from './transfer/records.ts';
import type { UserHistoryEntry, UserOutsideEntry, UserRevisionEntry, UserSnapshot } from './types.ts';
import { checkEncodable } from '../schema/field-rules.ts';
import { USER_SCHEMA } from '../schema/user-schema.ts';

/**
 * The user_revisions log (src/db/entities/user-revision.ts) as the services write and read it. Snapshots are
 * built by PostgreSQL from the row itself (userSnapshotSql), so they hold exactly what the table held,
 * times to the microsecond, whoever wrote the row; the console, the CLI and `cabinet users import` share it.
 */

/** The columns a change can touch, in form order (what old → new compares). */
export const USER_CHANGE_COLUMNS = USER_SCHEMA.filter((f) => f.role === 'field').map((f) => f.column);

/** A jsonb snapshot of the users row `alias`: column → value, times as export writes them. */
export function userSnapshotSql(alias: string): string {
  // Every column of the table (src/schema/user-table.ts), times as ISO text.
  const value = (f: (typeof USER_SCHEMA)[number]) => (f.kind === 'timestamp' ? isoSql(`${alias}.${f.column}`) : `${alias}.${f.column}`);
  return `jsonb_build_object(${USER_SCHEMA.map((f) => `'${f.column}', ${value(f)}`).join(', ')})`;
}

/** Runs SQL with `?` placeholders inside the caller's transaction. */
export type TxExec = <T extends object>(sql: string, params?: unknown[]) => Promise<T[]>;

/** The row as a snapshot (read inside the write's transaction, after its row lock), or null when gone. */
export async function readUserSnapshot(exec: TxExec, userId: string): Promise<UserSnapshot | null> {
  const [row] = await exec<{ s: UserSnapshot }>(`select ${userSnapshotSql('u')} as s from users u where user_id = ?`, [userId]);
  return row?.s ?? null;
}

/** The columns whose values differ between two snapshots (a missing side differs in every column). */
export function changedUserColumns(a: UserSnapshot | null, b: UserSnapshot | null): string[] {
  if (!a && !b) return [];
  return USER_CHANGE_COLUMNS.filter((c) => !a || !b || a[c] !== b[c]);
}

export interface NewUserRevision {
  userId: string;
  action: 'create' | 'update' | 'delete';
  before: UserSnapshot | null;
  after: UserSnapshot | null;
  actor: string;
  note: string | null;
}

/**
 * The one statement that records user changes, whichever path wrote them (UserService's edits and deletes,
 * one row; `cabinet users import`, a million in one statement). `changes` is a SQL relation with the
 * columns user_id, action, old and new (snapshots from userSnapshotSql, null for a create's old and a
 * delete's new), actor and note. The version is the row's after the change (before it, for a delete); the
 * changed fields are the columns whose values differ (every column for a create, none for a delete).
 * Run it after the rows were written: their row locks serialise the `max(rev) + 1` of concurrent writers.
 */
export function insertUserRevisionsSql(changes: string): string {
  const changed = USER_CHANGE_COLUMNS.map((c) => `case when c.old is null or c.old->'${c}' is distinct from c.new->'${c}' then '${c}' end`);
  return `insert into user_revisions (user_id, rev, version, action, changed_fields, old_values, new_values, actor, note)
    select c.user_id, coalesce((select max(r.rev) from user_revisions r where r.user_id = c.user_id), 0) + 1,
           (coalesce(c.new, c.old)->>'version')::int, c.action,
           case when c.new is null then '{}'::text[] else array_remove(array[${changed.join(', ')}], null) end,
           c.old, c.new, c.actor, c.note
      from ${changes}`;
}

/** Appends one revision inside the caller's transaction, after the row was written. Returns its number. */
export async function appendUserRevision(exec: TxExec, r: NewUserRevision): Promise<number> {
  const [row] = await exec<{ rev: number }>(
    `${insertUserRevisionsSql('(select ?::text as user_id, ?::text as action, ?::jsonb as old, ?::jsonb as new, ?::text as actor, ?::text as note) c')} returning rev`,
    [r.userId, r.action, r.before ? JSON.stringify(r.before) : null, r.after ? JSON.stringify(r.after) : null, r.actor, r.note],
  );
  return row!.rev;
}

interface RevisionRow {
  rev: number;
  version: number | null;
  action: UserRevisionEntry['action'];
  changed_fields: string[];
  old_values: UserSnapshot | null;
  new_values: UserSnapshot | null;
  actor: string;
  note: string | null;
  created_at: Date | string;
}

function entryOf(row: RevisionRow): UserRevisionEntry {
  return {
    kind: 'revision',
    rev: Number(row.rev),
    action: row.action,
    version: row.version === null ? null : Number(row.version),
    changed: row.changed_fields,
    before: row.old_values,
    after: row.new_values,
    actor: row.actor,
    note: row.note,
    at: new Date(row.created_at),
  };
}

const REVISION_COLUMNS = 'rev, version, action, changed_fields, old_values, new_values, actor, note, created_at';

/**
 * A user's history, newest first: at most `limit` revisions and, wherever one known state does not lead to
 * the next (the row's version moved on without a revision), an `outside` entry. `before: N` gives the page
 * of revisions older than N. Plain SQL: the console's light read pool serves it without the ORM.
 */
export async function userHistory(query: SqlQuery, userId: string, options: { limit?: number; before?: number } = {}): Promise<UserHistoryEntry[]> {
  const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
  const notFound = () => new CabinetError(`no user with id ${sanitizeLine(userId)} and no history of one`, { code: 'not-found' });
  if (checkEncodable(userId)) throw notFound();
  if (options.before !== undefined && (!Number.isSafeInteger(options.before) || options.before < 1)) {
    throw new CabinetError(`a revision is a whole number ≥ 1, not ${String(options.before)}`, { code: 'usage', exitCode: 2 });
  }
  const rows = await query<RevisionRow>(
    `select ${REVISION_COLUMNS} from user_revisions where user_id = $1 ${options.before === undefined ? '' : 'and rev < $3'} order by rev desc limit $2`,
    options.before === undefined ? [userId, limit] : [userId, limit, options.before],
  );
  const revisions = rows.map(entryOf).reverse();
  /** What follows the page: the row now (first page), or the revision the page stops before. */
  let next: { state: UserSnapshot | null } | undefined;
  if (options.before === undefined) {
    const [now] = await query<{ s: UserSnapshot }>(`select ${userSnapshotSql('u')} as s from users u where user_id = $1`, [userId]);
    next = { state: now?.s ?? null };
    if (revisions.length === 0 && !next.state) throw notFound();
  } else {
    const [boundary] = await query<RevisionRow>(`select ${REVISION_COLUMNS} from user_revisions where user_id = $1 and rev = $2`, [userId, options.before]);
    next = boundary ? { state: entryOf(boundary).before } : undefined;
  }
  return weaveHistory(revisions, next, options.before !== undefined, gap);
}

/** The outside-cabinet entries between a known state and the next one (none when one leads to the other). */
function gap(from: UserSnapshot | null, to: UserSnapshot | null): UserOutsideEntry[] {
  if (!from && !to) return [];
  if (!from) return [outside('create', null, to, Number(to!.version))];
  if (!to) return [outside('delete', from, null, null)];
  const [a, b] = [Number(from.version), Number(to.version)];
  // A new row starts again at version 1: deleted and created again outside cabinet.
  if (b < a || (b === a && changedUserColumns(from, to).length > 0)) return [outside('delete', from, null, null), outside('create', null, to, b)];
  if (b > a) return [outside('update', from, to, b - a)];
  return [];
}

function outside(action: UserOutsideEntry['action'], before: UserSnapshot | null, after: UserSnapshot | null, writes: number | null): UserOutsideEntry {
  const at = after ? new Date(String(after.updated_at)) : null;
  return {
    kind: 'outside',
    action,
    fromVersion: before ? Number(before.version) : null,
    toVersion: after ? Number(after.version) : null,
    writes,
    changed: changedUserColumns(before, after),
    before,
    after,
    at: at && !Number.isNaN(at.getTime()) ? at : null,
  };
}
