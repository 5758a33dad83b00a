import type { ConnectionTarget } from './connection.ts';
import { pgDriverOptions } from './pg-options.ts';
import { statementTimeoutFromEnv } from './session-settings.ts';
import type { TransactionRunner } from './sql-client.ts';
import { poolQuery, type SqlQuery } from './sql-query.ts';

export interface ReadPool {
  query: SqlQuery;
  /** A transaction on one connection, for COPY streams (exports) and reads that must see one snapshot. */
  transaction: TransactionRunner;
  close(): Promise<void>;
}

/**
 * A small node-postgres pool for reads, without MikroORM: importing `pg` costs tens of milliseconds where the
 * ORM costs hundreds, so `cabinet sites list --json` and the console's first rows use this.
 */
export async function openReadPool(target: ConnectionTarget, statementTimeoutMs = statementTimeoutFromEnv()): Promise<ReadPool> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    host: target.host,
    port: target.port,
    user: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    database: target.database,
    max: 3,
    idleTimeoutMillis: 30_000,
    ...pgDriverOptions(target, statementTimeoutMs),
  });
  // An idle client dropped by the server must not take the process down; the next query reports it.
  pool.on('error', () => {});
  // COPY support (pg-copy-streams, ~8 ms to load) only when a transaction is used: listings never need it.
  const transaction: TransactionRunner = async (fn, options) => (await import('./sql-client.ts')).transactionOn(() => pool.connect(), target)(fn, options);
  return { query: poolQuery(async () => pool, target), transaction, close: () => pool.end() };
}
