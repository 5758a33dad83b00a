import type { SqlClient } from '../../db/sql-client.ts';

/**
 * The restore case of `cabinet users import` (export → wipe → import), loaded as pg_restore loads: when the
 * users table is empty, its secondary indexes are dropped inside the import's transaction and built once
 * after the rows are in, instead of taking 300k rows one by one (the two trigram GIN indexes cost as much
 * as the rest of the import). Building them needs the table to itself (ACCESS EXCLUSIVE until commit: n8n's
 * sign-ins wait) and its ownership; either missing, the import writes the rows with the indexes in place,
 * with the same result. The history's keys follow when they can (HISTORY_KEYS; user_revisions is then held
 * as long: user writes wait for users anyway, and a user's history opens after the commit). A failure
 * anywhere rolls the whole transaction back, the dropped indexes with it.
 */

/** How long the import waits for the table before it loads the plain way. */
const LOCK_WAIT = '1s';
/** Memory for each index build (GIN keeps its entries there: 512MB fits a million users' trigrams). */
const BUILD_MEMORY = '512MB';

/** What the plan says when the load will take this path. */
export const REBUILD_NOTE = 'users will be locked while it loads: the table is empty, so its indexes are dropped and built once after the load';

/** What the result says when the table could not be taken after all (busy, or not this role's). */
export const FALLBACK_NOTE = 'users could not be locked (in use, or not owned by this role): the rows went in with its indexes in place';

/**
 * Whether users is empty, and whether this role owns it: the load may take this path when both hold (asked
 * before the plan is shown, so the plan says so). The lock is only tried after the confirmation (dropIndexes).
 */
export async function usersTable(client: SqlClient): Promise<{ empty: boolean; owned: boolean }> {
  const r = await client.query<{ empty: boolean; owned: boolean }>(
    `select not exists (select 1 from users) as empty, pg_has_role(c.relowner, 'USAGE') as owned from pg_class c where c.oid = 'users'::regclass`,
  );
  return r.rows[0] ?? { empty: false, owned: false };
}

/**
 * The secondary indexes a rebuild may drop and create again exactly: no constraint owns them (the primary
 * key stays, and checks duplicates as the rows go in), valid, and with nothing pg_get_indexdef leaves out
 * (a comment, a tablespace, a CLUSTER mark, a replica identity, a column's statistics target). Those
 * others stay in place and are kept up row by row.
 */
const REBUILDABLE = `
  select format('drop index %s', i.indexrelid::regclass) as drop, pg_get_indexdef(i.indexrelid) as definition
    from pg_index i join pg_class c on c.oid = i.indexrelid
   where i.indrelid = 'users'::regclass
     and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)
     and i.indisvalid and i.indisready and not i.indisclustered and not i.indisreplident
     and c.reltablespace = 0
     and obj_description(i.indexrelid, 'pg_class') is null
     and not exists (select 1 from pg_attribute a where a.attrelid = i.indexrelid and coalesce(a.attstattarget, -1) >= 0)
   order by i.indexrelid`;

/**
 * The history's keys (user_revisions' primary key and its unique (user_id, rev)): dropped too when the history
 * holds no more rows than the import adds (a restore into a new database, or a history still small), so a
 * revision per user goes in without two index entries each (~1.9 s per 300k) and both are built once after
 * it (~0.3 s). Only keys whose index is named as the constraint and carries nothing the constraint's
 * definition leaves out; one that a foreign key needs makes the drop fail, and the keys stay.
 */
const HISTORY_KEYS = `
  select format('alter table user_revisions drop constraint %I', k.conname) as drop,
         format('alter table user_revisions add constraint %I %s', k.conname, pg_get_constraintdef(k.oid)) as definition
    from pg_constraint k join pg_class c on c.oid = k.conindid join pg_index i on i.indexrelid = k.conindid
   where k.conrelid = 'user_revisions'::regclass and k.contype in ('p', 'u') and c.relname = k.conname
     and not i.indisclustered and not i.indisreplident and c.reltablespace = 0
     and obj_description(k.conindid, 'pg_class') is null and obj_description(k.oid, 'pg_constraint') is null
     and not exists (select from pg_attribute a where a.attrelid = k.conindid and coalesce(a.attstattarget, -1) >= 0)
   order by k.oid`;

/** A dropped index: the statement that dropped it, and the one that builds it again. */
export interface DroppedIndex {
  drop: string;
  definition: string;
}

/** Takes `table` for this transaction, waiting at most LOCK_WAIT (the session's lock_timeout is kept for what follows). */
async function lockTable(client: SqlClient, table: string): Promise<void> {
  const before = await client.query<{ lock_timeout: string }>(`select current_setting('lock_timeout') as lock_timeout`);
  await client.query(`set local lock_timeout = '${LOCK_WAIT}'`);
  await client.query(`lock table ${table} in access exclusive mode`);
  await client.query(`select set_config('lock_timeout', $1, true)`, [before.rows[0]!.lock_timeout]);
}

/**
 * Runs `fn` inside a savepoint: on any failure (a lock not granted in time, the role not the owner, an index
 * something depends on) the savepoint is rolled back, the lock wait and the drops with it, and null returned.
 */
async function orUndo<T>(client: SqlClient, name: string, fn: () => Promise<T>): Promise<T | null> {
  await client.query(`savepoint ${name}`);
  try {
    const done = await fn();
    await client.query(`release savepoint ${name}`);
    return done;
  } catch {
    await client.query(`rollback to savepoint ${name}`);
    await client.query(`release savepoint ${name}`);
    return null;
  }
}

/** What dropIndexes dropped, and whether the history it took held no revision at all (every new user's is then its first). */
export interface Dropped {
  indexes: DroppedIndex[];
  historyEmpty: boolean;
}

/**
 * Takes the table and drops its rebuildable indexes; then, when the history is no bigger than the `added`
 * revisions, takes it too and drops its keys (HISTORY_KEYS; else, or when it is busy or not ours, they stay).
 * Null when users could not be taken: the caller loads with every index in place.
 */
export async function dropIndexes(client: SqlClient, added: number): Promise<Dropped | null> {
  const users = await orUndo(client, 'cabinet_rebuild', async () => {
    await lockTable(client, 'users');
    const indexes = (await client.query<DroppedIndex>(REBUILDABLE)).rows;
    for (const index of indexes) await client.query(index.drop);
    return indexes;
  });
  if (!users) return null;
  const history = await orUndo(client, 'cabinet_rebuild_history', async () => {
    await lockTable(client, 'user_revisions');
    const held = (await client.query<{ n: number }>(`select count(*)::int as n from (select from user_revisions limit $1) r`, [added + 1])).rows[0]!.n;
    if (held > added) throw new Error('the history is bigger than the import');
    const keys = (await client.query<DroppedIndex>(HISTORY_KEYS)).rows;
    for (const key of keys) await client.query(key.drop);
    return { keys, empty: held === 0 };
  });
  return { indexes: [...users, ...(history?.keys ?? [])], historyEmpty: history?.empty ?? false };
}

/** Builds the dropped indexes again, from their own definitions, with memory enough to sort in one go. */
export async function createIndexes(client: SqlClient, indexes: DroppedIndex[]): Promise<void> {
  const before = await client.query<{ m: string }>(`select current_setting('maintenance_work_mem') as m`);
  await client.query(`set local maintenance_work_mem = '${BUILD_MEMORY}'`);
  for (const index of indexes) await client.query(index.definition);
  await client.query(`select set_config('maintenance_work_mem', $1, true)`, [before.rows[0]!.m]);
}
