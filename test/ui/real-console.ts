import type { EntityManager } from '@mikro-orm/postgresql';
import { OrmRevisionService } from '../../src/services/revision-service.ts';
import { OrmSiteService } from '../../src/services/site-service.ts';
import type { Services, SiteInput, SiteRecord, UserInput, UserRecord } from '../../src/services/types.ts';
import { OrmUserService } from '../../src/services/user-service.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { injectFaults, type Faults } from './fault-injection.ts';

export type RealServices = Services & Faults;

/**
 * The console's services for UI tests that test behaviour: the real site, user and revision services on a
 * fresh migrated database (one per test file), wrapped only to record calls and inject delays and
 * failures. Other writers are real too: `psql` runs SQL as n8n or an admin would, `as(actor)` writes
 * through cabinet as someone else.
 */
export async function openRealConsole(prefix: string, actor = 'tester') {
  const db = await createMigratedDatabase(prefix);
  const em = db.orm.em as unknown as EntityManager;
  const servicesFor = (who: string): Services => {
    const sites = new OrmSiteService(em, { actor: who });
    return {
      sites,
      users: new OrmUserService(em, { actor: who }),
      revisions: new OrmRevisionService(em, sites),
      connection: { label: `test ${db.name}`, short: `test/${db.name}`, embedded: false, role: 'cabinet', readOnly: false, pendingMigrations: 0 },
    };
  };
  const plain = servicesFor(actor);
  let services: RealServices = injectFaults(plain);
  return {
    db,
    get services() {
      return services;
    },
    /** Another cabinet user's services on the same database. */
    as: (who: string) => servicesFor(who),
    /** SQL run outside cabinet (psql, n8n): the row's version moves on by the table's trigger, no revision is recorded. */
    psql: db.query.bind(db),
    /**
     * Empties the tables and gives fresh wrapped services (calls, delays and failures reset), then
     * creates the given sites and users through cabinet (so their history starts with a create).
     */
    async reset(rows: { sites?: SiteInput[]; users?: UserInput[] } = {}): Promise<{ sites: SiteRecord[]; users: UserRecord[] }> {
      await db.query('truncate sites, site_revisions, users, user_revisions restart identity');
      services = injectFaults(servicesFor(actor));
      const sites = [];
      for (const s of rows.sites ?? []) sites.push(await plain.sites.create(s));
      const users = [];
      for (const u of rows.users ?? []) users.push(await plain.users.create(u));
      return { sites, users };
    },
    /** The site's row as the database holds it (null when there is none). */
    async siteRow(siteId: string): Promise<Record<string, unknown> | null> {
      return (await db.query('select * from sites where site_id = $1', [siteId])).rows[0] ?? null;
    },
    /** The site's revisions as site_revisions holds them, oldest first. */
    async siteRevisions(siteId: string): Promise<Record<string, unknown>[]> {
      return (await db.query('select * from site_revisions where site_id = $1 order by rev', [siteId])).rows;
    },
    close: () => db.close(),
  };
}
