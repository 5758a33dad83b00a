import type { SqlClient } from '../../db/sql-client.ts';
import { CabinetError } from '../../lib/errors.ts';
import { insertUserRevisionsSql, userSnapshotSql } from '../user-revisions.ts';
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
 */

/** New users past this many go in two INSERTs; the second, small one merges the trigram indexes' pending lists. */
const FLUSH_ROWS = 1000;

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
      if (plan.created <= FLUSH_ROWS) written += (await client.query(insertSql(''), [who.actor, who.note])).rowCount;
      else {
        // The trigram (GIN) indexes take new entries into a pending list and merge it into the index once it
        // outgrows gin_pending_list_limit (4 MB by default), in work_mem at a time: a bulk load merges in
        // fewer, larger passes with more of both. The last rows go in under a small limit, so everything is
        // merged before commit: n8n's next sign-in must not inherit a long pending list.
        // The cut is a record's place in the input: its line and, in a JSON array, its index (one line may hold many).
        const { rows } = await client.query<{ line: string; idx: string }>(
          `select t.line, coalesce(t.idx, 0) as idx from cabinet_import_users t where not exists (select 1 from users u where u.user_id = t.user_id)
            order by t.line desc, t.idx desc offset ${FLUSH_ROWS} limit 1`,
        );
        const cut = [rows[0]?.line ?? '0', rows[0]?.idx ?? '0'];
        await client.query(`set local gin_pending_list_limit = '256MB'`);
        written += (await client.query(insertSql('and (t.line, coalesce(t.idx, 0)) <= ($3::bigint, $4::bigint)'), [who.actor, who.note, ...cut])).rowCount;
        await client.query(`set local gin_pending_list_limit = '64kB'`);
        written += (await client.query(insertSql('and (t.line, coalesce(t.idx, 0)) > ($3::bigint, $4::bigint)'), [who.actor, who.note, ...cut])).rowCount;
      }
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

/** New users (those not in the table), with `where` narrowing the rows; version and times as the file gives them. */
function insertSql(where: string): string {
  return `with up as (
      insert into users (${USER_KEYS.join(', ')})
      select ${CREATE_VALUES}
        from cabinet_import_users t
       where not exists (select 1 from users u where u.user_id = t.user_id) ${where}
      returning users.user_id, ${userSnapshotSql('users')} as s
    ), changes as (
      select up.user_id, 'create'::text as action, null::jsonb as old, up.s as new, $1::text as actor, $2::text as note from up
    )
    ${insertUserRevisionsSql('changes c')}`;
}
