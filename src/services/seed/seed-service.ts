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

  /**
   * How many rows are not demo fixtures (seeding into real data is refused unless forced), and how many
   * demo rows are not there yet (none missing: the demo data is in place, and seeding adds nothing).
   */
  async foreignRows(): Promise<{ sites: number; users: number; missingDemo: number }> {
    return withSqlClient(this.#db.orm, this.#db.target, async (client) => {
      const siteIds = DEMO_SITES.map((s) => s.site_id);
      const userIds = this.#users.map((u) => u.user_id);
      const { rows } = await client.query<{ sites: string; users: string; demo_sites: string; demo_users: string }>(
        `select (select count(*) from sites where not (site_id = any($1::text[]))) as sites,
                (select count(*) from users where not (user_id = any($2::text[]))) as users,
                (select count(*) from sites where site_id = any($1::text[])) as demo_sites,
                (select count(*) from users where user_id = any($2::text[])) as demo_users`,
        [siteIds, userIds],
      );
      const row = rows[0];
      const present = Number(row?.demo_sites ?? 0) + Number(row?.demo_users ?? 0);
      return { sites: Number(row?.sites ?? 0), users: Number(row?.users ?? 0), missingDemo: siteIds.length + userIds.length - present };
    });
  }
}
