import type { Pool, PoolClient, QueryResult } from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BatchingClient, BatchStatement } from '../../db/pg-client.ts';
import { toDatabaseError } from '../../db/db-errors.ts';

/**
 * Runs `statements` in one transaction on the ORM's own node-postgres pool, BEGIN … COMMIT written in one
 * message (pg-client.ts `transaction`): one round trip for the lot. Returns each statement's answer; a
 * failed statement rolled the whole transaction back. A pool whose clients cannot pipeline (none of
 * cabinet's) runs the same statements one after another.
 */
export async function oneTrip(em: EntityManager, statements: readonly BatchStatement[]): Promise<PromiseSettledResult<QueryResult>[]> {
  let client: PoolClient;
  try {
    const pool = (await em.getConnection().getNativeClient()) as unknown as Pool;
    client = await pool.connect();
  } catch (error) {
    throw toDatabaseError(error);
  }
  let broken = false;
  try {
    const batching = client as unknown as Partial<BatchingClient>;
    if (typeof batching.transaction === 'function') return await batching.transaction(statements);
    const answers: PromiseSettledResult<QueryResult>[] = [];
    await client.query('begin');
    for (const st of statements) answers.push(await client.query(st.sql, st.params ?? []).then((value: QueryResult) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason })));
    await client.query(answers.some((a) => a.status === 'rejected') ? 'rollback' : 'commit');
    return answers;
  } catch (error) {
    broken = true;
    throw toDatabaseError(error);
  } finally {
    client.release(broken);
  }
}
