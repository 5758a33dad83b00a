import type { Pool, PoolClient } from 'pg';
import { toDatabaseError } from './db-errors.ts';
import type { ConnectionTarget } from './connection.ts';
import { CabinetError } from '../lib/errors.ts';
import { isLostConnection, onceMoreIfLost } from './lost-connection.ts';

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
    try {
      // The pooled connection was dead before the query (the server restarted, or ended it): a read is asked
      // again, once, on a connection opened now, so a database that answers is not reported unreachable.
      return await onceMoreIfLost(pool, client, (c) => queryOn<T>(pool, c, sql, params, signal), () => !signal?.aborted);
    } catch (error) {
      throw toDatabaseError(error, target);
    }
  };
}

/** One query on `client`, which it releases (destroyed when broken or cancelled); errors as pg gave them. */
async function queryOn<T>(pool: Pool, client: PoolClient, sql: string, params: unknown[], signal: AbortSignal | undefined): Promise<T[]> {
  const onAbort = () => cancelRequest(pool, client);
  signal?.addEventListener('abort', onAbort, { once: true });
  let broken = false;
  try {
    const result = await client.query(sql, params);
    return result.rows as T[];
  } catch (error) {
    if (signal?.aborted) throw superseded(error);
    broken = !(error as { code?: string }).code || isLostConnection(error);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // A connection a cancel was sent for is not reused: the cancel may land after this query ended and
    // would then kill whatever query the next user of the connection runs.
    client.release(broken || signal?.aborted === true);
  }
}

/**
 * Cancels what `client` is running with the protocol's CancelRequest, on a new connection, carrying the key
 * the server gave it; the query then fails with 57014 and we report "superseded". Through PgBouncer the key
 * is PgBouncer's, which forwards the request to the server connection running the query: the process id a
 * client sees there is made up, so `pg_cancel_backend(pid)` would miss it, or hit someone else's backend.
 */
function cancelRequest(pool: Pool, client: PoolClient): void {
  const { Client, options } = pool as unknown as { Client: new (options: unknown) => CancellingClient; options: unknown };
  const active = (client as unknown as { activeQuery: unknown }).activeQuery;
  if (!active) return;
  try {
    const canceller = new Client(options);
    // The cancel connection reports nothing we could act on; an error event must not take the process down.
    canceller.connection.on('error', () => {});
    canceller.cancel(client, active);
  } catch {
    // Nothing to cancel with: the query runs to its end or to the statement timeout.
  }
}

interface CancellingClient {
  connection: { on(event: 'error', listener: () => void): void };
  cancel(client: PoolClient, query: unknown): void;
}

function superseded(cause?: unknown): CabinetError {
  return new CabinetError('the search was superseded', { code: 'aborted', cause });
}
