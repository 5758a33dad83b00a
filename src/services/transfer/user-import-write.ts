import type { SqlClient } from '../../db/sql-client.ts';
import { CabinetError } from '../../lib/errors.ts';
import { insertUserRevisionsSql, USER_CHANGE_COLUMNS, userSnapshotSql } from '../user-revisions.ts';
import { pgErrorOf } from '../write-errors.ts';
import { exportOrder } from '../../schema/field-spec.ts';
import { USER_FIELD, USER_SCHEMA, type UserSpec } from '../../schema/user-schema.ts';
import type { ImportPlan } from './records.ts';
import { USER_EDITABLE_KEYS, USER_KEYS } from './user-records.ts';
import { BULK_WRITE_SETTING, bulkWriteNotice, LIVE_ROWS_BY_ID } from '../../db/entities/live-notify.ts';
import { createIndexes, dropIndexes } from './user-import-rebuild.ts';

/**
 * The write of a planned users import (the checked rows wait in the temp table cabinet_import_users): the
 * changed users (one statement writing them and their user_revisions rows together; the snapshots built
 * once per row, in RETURNING and a materialised CTE: a CTE inlined into the revision INSERT built each
 * snapshot once for every place it was named, six), then the new users' revisions, then the new users.
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
const CREATE_LIST = exportOrder(USER_SCHEMA).map((f) => valuesOnCreate(f)).map((v) => (v.length === 1 ? v[0]! : `coalesce(${v.join(', ')})`));

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
 *
 * Past LIVE_ROWS_BY_ID users the per-row live_notify trigger is switched off for this transaction
 * (BULK_WRITE_SETTING) and the one table notice it would have ended with is sent here instead. With
 * `rebuild` (the table was empty: user-import-rebuild.ts) the secondary indexes are built after the rows;
 * the result says whether that happened (else the table was busy or not ours, and the rows went in as usual).
 */
export async function writeUserImport(
  client: SqlClient,
  plan: ImportPlan,
  who: { actor: string; note: string },
  force: boolean,
  rebuild = false,
): Promise<{ rebuilt: boolean }> {
  const planned = plan.created + plan.changed;
  const bulk = planned > LIVE_ROWS_BY_ID;
  if (bulk) await client.query(`select set_config('${BULK_WRITE_SETTING}', 'on', true)`);
  const dropped = rebuild ? await dropIndexes(client, plan.created) : null;
  let written = 0;
  if (plan.changed > 0) written += (await client.query(updateSql(force), [who.actor, who.note])).rowCount;
  if (plan.created > 0) {
    // The new users' revisions first (while the users are not there yet), then the users themselves.
    const revisions = (await client.query(createRevisionsSql(dropped?.historyEmpty ?? false), [who.actor, who.note])).rowCount;
    if (revisions !== plan.created) throw stale(planned, written + revisions);
    try {
      const created = (await client.query(insertSql())).rowCount;
      // Someone else's new user since the revisions (read committed: each statement looks again) is skipped here.
      if (created !== revisions) throw stale(planned, written + created);
      written += created;
    } catch (error) {
      // A user created by someone else since the plan: the primary key refuses ours.
      if (pgErrorOf(error).code === '23505') throw stale(planned, written);
      throw error;
    }
  }
  if (written !== planned) throw stale(planned, written);
  if (dropped) await createIndexes(client, dropped.indexes);
  // Delivered at commit, as the trigger's would have been; listeners reload the users they show.
  if (bulk) await client.query(`select ${bulkWriteNotice('users')}`);
  return { rebuilt: dropped !== null };
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

/** The checked rows of new users (those not in the table), each column as the new row will hold it. */
const newRows = (extra = '') => `select ${exportOrder(USER_SCHEMA).map((f, i) => `${CREATE_LIST[i]} as ${f.column}`).join(', ')}${extra}
    from cabinet_import_users t
   where not exists (select 1 from users u where u.user_id = t.user_id)`;
const NEW_ROWS = newRows();

/**
 * The revisions of the new users: what insertUserRevisionsSql writes for a create (every column changed,
 * the row's version, no old values), built from the rows as the INSERT after it stores them (the same
 * values and defaults; now() is the transaction's time) and numbered after any revisions an earlier user of
 * the same id left (one grouped read, not a look-up per row). Two plain statements instead of one INSERT
 * feeding the other through RETURNING: 100k users, same psql session, 2.1 + 4.5-4.9 s against 8.2-8.4 s
 * (the materialised RETURNING and the per-row max(rev) cost more than the second pass over the staging table).
 * A row's snapshot is its line's, when the line was in export's own form (user-import-line.ts; the staging
 * table's `snapshot`, jsonb read by the COPY while the client still sends): building it here costs ~2 s per 300k.
 */
function createRevisionsSql(first: boolean): string {
  const snapshot = `coalesce(n.snapshot, ${userSnapshotSql('n')})`;
  const changed = `array[${USER_CHANGE_COLUMNS.map((c) => `'${c}'`).join(', ')}]::text[]`;
  const columns = 'insert into user_revisions (user_id, rev, version, action, changed_fields, old_values, new_values, actor, note)';
  // A history this import holds locked and found empty: every revision is the user's first (no CTE to keep, no join).
  if (first) return `${columns} select n.user_id, 1, n.version, 'create', ${changed}, null, ${snapshot}, $1::text, $2::text from (${newRows(', t.snapshot')}) n`;
  return `with n as materialized (${newRows(', t.snapshot')}),
      prior as (select r.user_id, max(r.rev) as rev from user_revisions r where r.user_id in (select user_id from n) group by r.user_id)
    ${columns}
    select n.user_id, coalesce(prior.rev, 0) + 1, n.version, 'create', ${changed}, null, ${snapshot}, $1::text, $2::text
      from n left join prior on prior.user_id = n.user_id`;
}

/** New users, version and times as the file gives them (else the table's defaults). */
function insertSql(): string {
  return `insert into users (${USER_KEYS.join(', ')}) ${NEW_ROWS}`;
}
