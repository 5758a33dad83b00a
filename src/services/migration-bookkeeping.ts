import type { Transaction } from '@mikro-orm/core';
import type { CabinetORM } from '../db/orm.ts';
import { errorCode } from '../db/db-errors.ts';
import { CabinetError } from '../lib/errors.ts';

/**
 * What `cabinet migrate` keeps beside MikroORM's own table: one advisory lock per database, so two shells
 * cannot apply a migration twice, and the sha256 of every applied file (cabinet_migration_checksums).
 */

export type MigrationConnection = ReturnType<CabinetORM['em']['getConnection']>;

/** One key for every `cabinet migrate` against a database: hashtext('cabinet:migrate'). */
const LOCK_SQL = `select pg_advisory_xact_lock(hashtext('cabinet:migrate'))`;
const TRY_LOCK_SQL = `select pg_try_advisory_xact_lock(hashtext('cabinet:migrate')) as locked`;
/** How long a second `cabinet migrate` waits for the first before saying so. */
export const LOCK_WAIT_SECONDS = 120;

export interface MigrateEvents {
  /** Called when another `cabinet migrate` holds the lock and this one starts waiting. */
  onWaiting?: () => void;
  /** Called with the migrations applied without cabinet whose checksums this run recorded. */
  onAdopted?: (names: string[]) => void;
}

/**
 * Creates the bookkeeping tables under the lock, in their own short transaction: MikroORM would
 * otherwise create its table outside any lock, and two first runs would race on it.
 */
export async function ensureBookkeeping(conn: MigrationConnection): Promise<void> {
  const [exists] = await conn.execute<{ ok: boolean }[]>(
    `select to_regclass('mikro_orm_migrations') is not null and to_regclass('cabinet_migration_checksums') is not null as ok`,
  );
  if (exists?.ok) return;
  await conn.transactional(async (trx) => {
    await conn.execute(LOCK_SQL, [], 'run', trx);
    await conn.execute(
      `create table if not exists mikro_orm_migrations (id serial primary key, name varchar(255), executed_at timestamptz default current_timestamp)`,
      [],
      'run',
      trx,
    );
    await conn.execute(
      `create table if not exists cabinet_migration_checksums (
         name text primary key,
         checksum text not null,
         applied_at timestamptz not null default now()
       )`,
      [],
      'run',
      trx,
    );
    await conn.execute(`comment on table cabinet_migration_checksums is 'cabinet: sha256 of each applied migration file'`, [], 'run', trx);
  });
}

export async function takeMigrateLock(conn: MigrationConnection, trx: Transaction, events: MigrateEvents): Promise<void> {
  const [row] = await conn.execute<{ locked: boolean }[]>(TRY_LOCK_SQL, [], 'all', trx);
  if (row?.locked) return;
  events.onWaiting?.();
  await conn.execute(`set local lock_timeout = '${LOCK_WAIT_SECONDS}s'`, [], 'run', trx);
  try {
    await conn.execute(LOCK_SQL, [], 'run', trx);
  } catch (error) {
    // By SQLSTATE: the message is in the server's lc_messages language.
    if (errorCode(error) === '55P03') {
      throw new CabinetError(`another cabinet migrate is still running on this database (waited ${LOCK_WAIT_SECONDS} s)`, {
        code: 'migration-locked',
        hint: 'wait for it to finish, then run cabinet migrate status',
      });
    }
    throw error;
  }
  await conn.execute(`set local lock_timeout = 0`, [], 'run', trx);
}

export async function recordChecksum(conn: MigrationConnection, trx: Transaction, name: string, checksum: string): Promise<void> {
  await conn
    .execute(
      `insert into cabinet_migration_checksums (name, checksum) values (?, ?) on conflict (name) do update set checksum = excluded.checksum`,
      [name, checksum],
      'run',
      trx,
    );
}
