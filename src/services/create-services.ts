import type { EntityManager } from '@mikro-orm/postgresql';
import type { DbSession } from '../db/session.ts';
import { MigrationService } from './migration-service.ts';
import { OrmSiteService } from './site-service.ts';
import { OrmUserService } from './user-service.ts';
import type { Services } from './types.ts';

/** Builds the services the console uses from an open session. */
export async function createServices(db: DbSession): Promise<Services> {
  const em = db.orm.em as unknown as EntityManager;
  const status = await new MigrationService(db.orm, db.target).status();
  return {
    sites: new OrmSiteService(em),
    users: new OrmUserService(em),
    connection: {
      label: db.label,
      embedded: db.target.source === 'embedded',
      role: db.info.user,
      readOnly: false,
      pendingMigrations: status.pending.length,
      ...(db.guard.allowed ? {} : { guardWarning: `not on the tailnet (--allow-non-tailnet): ${db.guard.reason}` }),
    },
  };
}
