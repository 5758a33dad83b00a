import type { SqlClient } from '../../db/sql-client.ts';

/**
 * The restore case of `cabinet users import` (export → wipe → import), loaded as pg_restore loads: when the
 * users table is empty, its secondary indexes are dropped inside the import's transaction and built once
 * after the rows are in, instead of taking 300k rows one by one (the two trigram GIN indexes cost as much
 * as the rest of the import). Building them needs the table to itself (ACCESS EXCLUSIVE until commit: n8n's
 * sign-ins wait) and its ownership; either missing, the import writes the rows with the indexes in place,
 * with the same result. A failure anywhere rolls the whole transaction back, the dropped indexes with it.
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
  select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
    from pg_index i join pg_class c on c.oid = i.indexrelid
   where i.indrelid = 'users'::regclass
     and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)
     and i.indisvalid and i.indisready and not i.indisclustered and not i.indisreplident
     and c.reltablespace = 0
     and obj_description(i.indexrelid, 'pg_class') is null
     and not exists (select 1 from pg_attribute a where a.attrelid = i.indexrelid and coalesce(a.attstattarget, -1) >= 0)
   order by i.indexrelid`;

export interface DroppedIndex {
  name: string;
  definition: string;
}

/**
 * Takes the table (waiting at most LOCK_WAIT) and drops its rebuildable indexes, inside a savepoint: on
 * any failure (the lock not granted in time, the role not the owner, an index something depends on) the
 * savepoint is rolled back and null returned, and the caller loads with the indexes in place.
 */
export async function dropIndexes(client: SqlClient): Promise<DroppedIndex[] | null> {
  const before = await client.query<{ lock_timeout: string }>(`select current_setting('lock_timeout') as lock_timeout`);
  await client.query('savepoint cabinet_rebuild');
  try {
    await client.query(`set local lock_timeout = '${LOCK_WAIT}'`);
    await client.query('lock table users in access exclusive mode');
    await client.query(`select set_config('lock_timeout', $1, true)`, [before.rows[0]!.lock_timeout]);
    const indexes = (await client.query<DroppedIndex>(REBUILDABLE)).rows;
    for (const index of indexes) await client.query(`drop index ${index.name}`);
    await client.query('release savepoint cabinet_rebuild');
    return indexes;
  } catch {
    // Rolled back to before the lock: the lock wait, the drops and the lock_timeout with it.
    await client.query('rollback to savepoint cabinet_rebuild');
    await client.query('release savepoint cabinet_rebuild');
    return null;
  }
}

/** Builds the dropped indexes again, from their own definitions, with memory enough to sort in one go. */
export async function createIndexes(client: SqlClient, indexes: DroppedIndex[]): Promise<void> {
  const before = await client.query<{ m: string }>(`select current_setting('maintenance_work_mem') as m`);
  await client.query(`set local maintenance_work_mem = '${BUILD_MEMORY}'`);
  for (const index of indexes) await client.query(index.definition);
  await client.query(`select set_config('maintenance_work_mem', $1, true)`, [before.rows[0]!.m]);
}
