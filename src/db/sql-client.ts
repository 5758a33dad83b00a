import type { Readable, Writable } from 'node:stream';
import type { PoolClient } from 'pg';
import { createRequire } from 'node:module';
import { copyOut } from './copy-out.ts';
import type { ConnectionTarget } from './connection.ts';
import { toDatabaseError } from './db-errors.ts';
import type { CabinetORM } from './orm.ts';

/**
 * One connection of the ORM's pool, for what the ORM does not do: COPY streams (pg-copy-streams), SHOW,
 * role DDL, and set-based upserts over temp tables. Services use this interface; only db/ names `pg`.
 * Values always travel as parameters or through COPY, never spliced into SQL.
 */
export interface SqlClient {
  query<T extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
  /** `COPY ... FROM STDIN`: write rows in COPY text format; `finish` means the server accepted them all. */
  copyFrom(sql: string): Writable;
  /** `COPY ... TO STDOUT`: the rows in COPY text format, cut at arbitrary chunk boundaries. */
  copyTo(sql: string): Readable;
}

/** pg-copy-streams' `from`, loaded when an import first needs it (an export has no use for it: 8 ms). */
let copyFromModule: typeof import('pg-copy-streams') | undefined;
function copyFromStdin(sql: string) {
  copyFromModule ??= createRequire(import.meta.url)('pg-copy-streams') as typeof import('pg-copy-streams');
  return copyFromModule.from(sql);
}

function wrap(client: PoolClient): SqlClient {
  return {
    async query<T extends object>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    },
    copyFrom: (sql) => client.query(copyFromStdin(sql)),
    // A deep buffer (16 socket reads: 128 KiB to 1 MiB) keeps the server sending while the consumer formats and writes a chunk.
    copyTo: (sql) => client.query(copyOut(sql, { highWaterMark: 16 })),
  };
}

/** Takes one connection from a node-postgres pool (the ORM's or the light read pool). */
export type PoolConnect = () => Promise<PoolClient>;

/**
 * Runs `fn` inside BEGIN/COMMIT on one connection of some pool; `withTransaction` for the ORM's. `begin` is
 * the statement that opens it (`begin isolation level repeatable read read only` for a snapshot export).
 */
export type TransactionRunner = <T>(fn: (client: SqlClient) => Promise<T>, options?: { begin?: string }) => Promise<T>;

/** The ORM's pool, for withSqlClient and withTransaction. */
function ormConnect(orm: CabinetORM): PoolConnect {
  return async () => {
    const pool = (await orm.em.getConnection().getNativeClient()) as unknown as { connect(): Promise<PoolClient> };
    return pool.connect();
  };
}

/** Runs `fn` on one pooled connection; database errors come back as one-line CabinetErrors. */
export async function withPoolClient<T>(connect: PoolConnect, target: ConnectionTarget | undefined, fn: (client: SqlClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await connect();
  } catch (error) {
    throw toDatabaseError(error, target);
  }
  let broken = false;
  try {
    return await fn(wrap(client));
  } catch (error) {
    broken = true;
    throw toDatabaseError(error, target);
  } finally {
    // A connection that failed mid-COPY is not handed back to the pool.
    client.release(broken);
  }
}

/** `fn` inside BEGIN/COMMIT on one connection; any error rolls everything back. */
export function transactionOn(connect: PoolConnect, target: ConnectionTarget | undefined): TransactionRunner {
  return (fn, options = {}) =>
    withPoolClient(connect, target, async (client) => {
      await client.query(options.begin ?? 'begin');
      try {
        const result = await fn(client);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      }
    });
}

/** withPoolClient on the ORM's pool. */
export function withSqlClient<T>(orm: CabinetORM, target: ConnectionTarget | undefined, fn: (client: SqlClient) => Promise<T>): Promise<T> {
  return withPoolClient(ormConnect(orm), target, fn);
}

/** A transaction on the ORM's pool. */
export function withTransaction<T>(
  orm: CabinetORM,
  target: ConnectionTarget | undefined,
  fn: (client: SqlClient) => Promise<T>,
  options?: { begin?: string },
): Promise<T> {
  return transactionOn(ormConnect(orm), target)(fn, options);
}
