import type { Pool, PoolClient, QueryResult } from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BatchingClient, BatchStatement } from '../../db/pg-client.ts';
import { toDatabaseError } from '../../db/db-errors.ts';
import { isLostConnection, onceMoreIfLost } from '../../db/lost-connection.ts';

/**
 * Runs `statements` in one transaction on the ORM's own node-postgres pool, BEGIN … COMMIT written in one
 * message (pg-client.ts `transaction`): one round trip for the lot. Returns each statement's answer; a
 * failed statement rolled the whole transaction back. Every cabinet pool's clients are pg-client.ts's.
 *
 * A pooled connection found dead (the server restarted or ended it while it sat idle) is replaced once by
 * one opened now, and the lot sent again, but only when the BEGIN itself got no answer: then nothing of it
 * ran. Once the BEGIN was answered the transaction may have gone further, and it is not sent again. Even
 * so, a lot that did commit without a word back could not be written twice: a save updates only at the
 * version it read and only fields that differ (site-save.ts, user-save.ts), so the second would find the
 * version moved (a conflict) or nothing to change.
 */
export async function oneTrip(em: EntityManager, statements: readonly BatchStatement[]): Promise<PromiseSettledResult<QueryResult>[]> {
  let pool: Pool;
  let client: PoolClient;
  try {
    pool = (await em.getConnection().getNativeClient()) as unknown as Pool;
    client = await pool.connect();
  } catch (error) {
    throw toDatabaseError(error);
  }
  try {
    return await onceMoreIfLost(pool, client, (c) => runOn(c, statements));
  } catch (error) {
    throw toDatabaseError(error);
  }
}

/**
 * The statements in one transaction on `client`, which it releases (destroyed when its connection failed).
 * Throws, with the driver's error, when the BEGIN failed: then none of them ran.
 */
async function runOn(client: PoolClient, statements: readonly BatchStatement[]): Promise<PromiseSettledResult<QueryResult>[]> {
  let broken = false;
  try {
    const answers = await (client as unknown as BatchingClient).transaction(statements);
    broken = answers.some((a) => a.status === 'rejected' && isLostConnection(a.reason));
    return answers;
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    client.release(broken);
  }
}
