import type { Pool } from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import { poolQuery, type SqlQuery } from '../../db/sql-query.ts';

/** Plain SQL on the ORM's own node-postgres pool (for the read queries shared with the light read path). */
export function ormQuery(em: EntityManager): SqlQuery {
  return poolQuery(async () => (await em.getConnection().getNativeClient()) as unknown as Pool);
}
