import type { SqlClient } from '../../db/sql-client.ts';
import { CabinetError } from '../../lib/errors.ts';
import { insertUserRevisionsSql, USER_CHANGE_COLUMNS, userSnapshotSql } from '../user-revisions.ts';
import { pgErrorOf } from '../write-errors.ts';
import { exportOrder } from '../../schema/field-spec.ts';
import { USER_FIELD, USER_SCHEMA, type UserSpec } from '../../schema/user-schema.ts';
import type { ImportPlan } from './records.ts';
import { USER_EDITABLE_KEYS, USER_KEYS } from './user-records.ts';

/**
 * The write of a planned users import (the checked rows wait in the temp table cabinet_import_users): the
 * changed users, then the new ones, each statement writing its users and their user_revisions rows
 * together. The snapshots a revision keeps are built once per row, in RETURNING and a materialised CTE
 * (a CTE inlined into the revision INSERT built each snapshot once for every place it was named: six).
 * The import's sorts and joins run with the work_mem UserTransfer sets.
 */

/** The editable columns as the user has them, and as they are after the file's values (a value left out keeps the user's). */
const CURRENT = `(${USER_EDITABLE_KEYS.map((k) => `u.${k}`).join(', ')})`;
const MERGED = `(${USER_EDITABLE_KEYS.map((k) => `coalesce(t.${k}, u.${k})`).join(', ')})`;
const SET = USER_EDITABLE_KEYS.map((k) => `${k} = coalesce(t.${k}, u.${k})`).join(', ');

/**
 * What a new user stores in a column: the file's value, else the table's default (`now`, or the time of the
 * field it names, in turn defaulted); the database's bookkeeping starts at version 1 and now.
 */
function valuesOnCreate(f: UserSpec): string[] {
  const own = `t.${f.column}`;
  if (f.role === 'bookkeeping') return [own, f.kind === 'integer' ? '1' : 'now()'];
  if (!('default' in f)) return [own];
  return [own, ...(f.default === 'now' ? ['now()'] : valuesOnCreate(USER_FIELD[f.default as keyof typeof USER_FIELD] as UserSpec))];
}
const CREATE_VALUES = exportOrder(USER_SCHEMA).map((f) => valuesOnCreate(f))
  .map((v) => (v.length === 1 ? v[0] : `coalesce(${v.join(', ')})`))
  .join(', ');

const stale = (planned: number, written: number) =>
  new CabinetError(`users changed while the import ran (${planned} planned, ${written} would be written); nothing was imported`, {
    code: 'stale',
    hint: 'run the import again: it compares with the users as they are then',
  });

/**
 * Writes the plan. Every created or changed user gets exactly one revision: a write count that differs
 * from the plan means someone wrote a user meanwhile (a sign-in since the versions were compared is
 * checked again on the locked, latest row; a user created meanwhile meets the primary key), and the
 * whole import rolls back with one line; their change stays.
 */
export async function writeUserImport(client: SqlClient, plan: ImportPlan, who: { actor: string; note: string }, force: boolean): Promise<void> {
  const planned = plan.created + plan.changed;
  let written = 0;
  if (plan.changed > 0) written += (await client.query(updateSql(force), [who.actor, who.note])).rowCount;
  if (plan.created > 0) {
    try {
      written += (await client.query(insertSql(), [who.actor, who.note])).rowCount;
    } catch (error) {
      // A user created by someone else since the plan: the primary key refuses ours.
      if (pgErrorOf(error).code === '23505') throw stale(planned, written);
      throw error;
    }
  }
  if (written !== planned) throw stale(planned, written);
}

/** Changed users: fields the file gives and that differ; with the version checked again unless `force`. */
function updateSql(force: boolean): string {
  return `with old as materialized (
      select u.user_id, ${userSnapshotSql('u')} as s from users u join cabinet_import_users t on t.user_id = u.user_id
       where ${CURRENT} is distinct from ${MERGED}
    ), up as (
      update users u set ${SET}
        from cabinet_import_users t
       where t.user_id = u.user_id
         and ${CURRENT} is distinct from ${MERGED}
         ${force ? '' : '-- checked again on the locked, latest row: a sign-in that landed after the plan\n         and (t.version is null or t.version >= u.version)'}
      returning u.user_id, ${userSnapshotSql('u')} as s
    ), changes as (
      select up.user_id, 'update'::text as action, old.s as old, up.s as new, $1::text as actor, $2::text as note
        from up join old on old.user_id = up.user_id
    )
    ${insertUserRevisionsSql('changes c')}`;
}

/**
 * New users (those not in the table), version and times as the file gives them, and their revisions: what
 * insertUserRevisionsSql writes for a create (every column changed, the row's version, no old values),
 * straight from RETURNING, without the shared statement's relation of changes and its jsonb look-ups
 * for the version and each changed column. All in one INSERT under the default GIN pending-list limit:
 * a 256 MB pending list merged in one pass at the end cost about what it saved (50k users: 7.6 s
 * against 8.2-9.7 s for the two-INSERT form, same session).
 */
function insertSql(): string {
  return `with up as (
      insert into users (${USER_KEYS.join(', ')})
      select ${CREATE_VALUES}
        from cabinet_import_users t
       where not exists (select 1 from users u where u.user_id = t.user_id)
      returning users.user_id, users.version, ${userSnapshotSql('users')} as s
    )
    insert into user_revisions (user_id, rev, version, action, changed_fields, old_values, new_values, actor, note)
    select up.user_id, coalesce((select max(r.rev) from user_revisions r where r.user_id = up.user_id), 0) + 1, up.version, 'create',
           array[${USER_CHANGE_COLUMNS.map((c) => `'${c}'`).join(', ')}]::text[], null, up.s, $1::text, $2::text
      from up`;
}
