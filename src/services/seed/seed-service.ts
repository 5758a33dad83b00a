import type { DbSession } from '../../db/session.ts';
import { withSqlClient } from '../../db/sql-client.ts';
import type { InputRecord } from '../../lib/json-records.ts';
import { DEMO_SITES } from './demo-sites.ts';
import { demoUsers } from './demo-users.ts';

async function* records(rows: object[], label: string): AsyncGenerator<InputRecord> {
  let i = 0;
  for (const value of rows) {
    i++;
    yield { where: `${label} ${i}`, line: i, value };
  }
}

/**
 * Demo fixtures go in through the same import path as a file (validation, plan, one transaction), so
 * seeding twice finds everything unchanged and writes nothing.
 */
export class SeedService {
  readonly #db: Pick<DbSession, 'orm' | 'target'>;
  readonly #users = demoUsers();

  constructor(db: Pick<DbSession, 'orm' | 'target'>) {
    this.#db = db;
  }

  demoSites(): AsyncIterable<InputRecord> {
    return records(DEMO_SITES, 'demo site');
  }

  demoUsers(): AsyncIterable<InputRecord> {
    return records(this.#users, 'demo user');
  }

  /** How many rows are not demo fixtures: seeding into real data is refused unless forced. */
  async foreignRows(): Promise<{ sites: number; users: number }> {
    return withSqlClient(this.#db.orm, this.#db.target, async (client) => {
      const { rows } = await client.query<{ sites: string; users: string }>(
        `select (select count(*) from sites where not (site_id = any($1::text[]))) as sites,
                (select count(*) from users where not (user_id = any($2::text[]))) as users`,
        [DEMO_SITES.map((s) => s.site_id), this.#users.map((u) => u.user_id)],
      );
      return { sites: Number(rows[0]?.sites ?? 0), users: Number(rows[0]?.users ?? 0) };
    });
  }
}
