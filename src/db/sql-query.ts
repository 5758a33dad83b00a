import type { Pool, PoolClient } from 'pg';
import { toDatabaseError } from './db-errors.ts';
import type { ConnectionTarget } from './connection.ts';
import { CabinetError } from '../lib/errors.ts';

/**
 * A read query with `$1`-style parameters, answered by node-postgres. Services write their read SQL once
 * against this and run it on either pool: the ORM's, or the light read pool that lets scripted listings and
 * the console's first screen skip loading MikroORM. Aborting cancels the statement on the server.
 */
export type SqlQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[], signal?: AbortSignal) => Promise<T[]>;

export function poolQuery(getPool: () => Promise<Pool>, target?: ConnectionTarget): SqlQuery {
  return async <T>(sql: string, params: unknown[] = [], signal?: AbortSignal): Promise<T[]> => {
    if (signal?.aborted) throw superseded();
    let pool: Pool;
    let client: PoolClient;
    try {
      pool = await getPool();
      client = await pool.connect();
    } catch (error) {
      throw toDatabaseError(error, target);
    }
    const pid = (client as unknown as { processID?: number }).processID;
    const onAbort = () => {
      // Cancel on the server from another connection; the query then fails with 57014 and we report "superseded".
      if (pid) pool.query('select pg_cancel_backend($1)', [pid]).catch(() => {});
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let broken = false;
    try {
      const result = await client.query(sql, params);
      return result.rows as T[];
    } catch (error) {
      if (signal?.aborted) throw superseded(error);
      broken = !(error as { code?: string }).code;
      throw toDatabaseError(error, target);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // A connection a cancel was sent for is not reused: the cancel may land after this query ended and
      // would then kill whatever query the next user of the connection runs.
      client.release(broken || signal?.aborted === true);
    }
  };
}

function superseded(cause?: unknown): CabinetError {
  return new CabinetError('the search was superseded', { code: 'aborted', cause });
}
