import type { EntityManager } from '@mikro-orm/postgresql';
import type { DbSession } from '../db/session.ts';
import { MigrationService } from './migration-service.ts';
import { OrmSiteService } from './site-service.ts';
import { OrmUserService } from './user-service.ts';
import { SiteTransfer } from './transfer/site-transfer.ts';
import { UserTransfer } from './transfer/user-transfer.ts';
import type { SiteService, UserService } from './types.ts';

/** What the data commands (sites, users, seed) use; they never see the ORM. */
export interface DataServices {
  sites: SiteService;
  users: UserService;
  siteTransfer: SiteTransfer;
  userTransfer: UserTransfer;
}

/**
 * The services over an open session. As in the console, the embedded database is the user's own sandbox
 * and gets its pending migrations applied first; a configured database is never migrated implicitly.
 */
export async function openDataServices(
  db: DbSession,
  log: (line: string) => void = () => {},
  context: { actor?: string } = {},
): Promise<DataServices> {
  if (db.target.source === 'embedded') {
    const migrations = new MigrationService(db.orm, db.target);
    if ((await migrations.status()).pending.length > 0) {
      log('applying migrations to the embedded database…');
      await migrations.up();
    }
  }
  const em = db.orm.em as unknown as EntityManager;
  const actor = context.actor === undefined ? {} : { actor: context.actor };
  return {
    sites: new OrmSiteService(em, actor),
    users: new OrmUserService(em, actor),
    siteTransfer: new SiteTransfer(db, actor),
    userTransfer: new UserTransfer(db),
  };
}
