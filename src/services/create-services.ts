import type { EntityManager } from '@mikro-orm/postgresql';
import type { DbSession } from '../db/session.ts';
import { MigrationService } from './migration-service.ts';
import { OrmRevisionService } from './revision-service.ts';
import { OrmSiteService } from './site-service.ts';
import { OrmUserService } from './user-service.ts';
import type { Services } from './types.ts';

/**
 * Builds the services the console uses from an open session. The embedded database is the user's own
 * sandbox, so its pending migrations are applied here; a configured database is only warned about
 * (the header shows it), because migrating it is a deliberate act: `cabinet migrate`.
 */
export async function createServices(db: DbSession, progress: (line: string) => void = () => {}): Promise<Services> {
  const em = db.orm.em as unknown as EntityManager;
  const migrations = new MigrationService(db.orm, db.target);
  if (db.target.source === 'embedded' && (await migrations.status()).pending.length > 0) {
    progress('applying migrations to the embedded database…');
    await migrations.up();
  }
  const status = await migrations.status();
  const sites = new OrmSiteService(em);
  return {
    sites,
    users: new OrmUserService(em),
    revisions: new OrmRevisionService(em, sites),
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
