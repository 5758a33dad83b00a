import type { EntityManager } from '@mikro-orm/postgresql';
import type { DbSession } from '../db/session.ts';
import { detectAccess, writeGate, type AccessReport, type WriteGate } from './access.ts';
import { MigrationService } from './migration-service.ts';
import { OrmRevisionService } from './revision-service.ts';
import { OrmSiteService } from './site-service.ts';
import { OrmUserService } from './user-service.ts';
import { SiteTransfer } from './transfer/site-transfer.ts';
import { UserTransfer } from './transfer/user-transfer.ts';
import { exportServices, type ReadServices } from './read-services.ts';
import type { RevisionService, SiteService, UserService } from './types.ts';
import { withTransaction } from '../db/sql-client.ts';

/** What the data commands (sites, users, seed) use; they never see the ORM. */
export interface DataServices extends ReadServices {
  sites: SiteService;
  users: UserService;
  revisions: RevisionService;
  siteTransfer: SiteTransfer;
  userTransfer: UserTransfer;
  /** Whether writes are allowed (`--read-only`, or what the role may do), per table; the services check them too. */
  gates: { sites: WriteGate; users: WriteGate };
}

export interface DataServicesOptions {
  /** Who the site history records (processActor, `--actor`). */
  actor?: string;
  /** `--read-only`: every write is refused (code `read-only`). */
  readOnly?: boolean;
}

/**
 * The services over an open session. As in the console, the embedded database is the user's own sandbox
 * and gets its pending migrations applied first; a configured database is never migrated implicitly.
 * What the role may write is asked once, so a command can refuse a write in one line before it starts.
 */
export async function openDataServices(db: DbSession, log: (line: string) => void = () => {}, options: DataServicesOptions = {}): Promise<DataServices> {
  if (db.target.source === 'embedded') {
    const migrations = new MigrationService(db.orm, db.target);
    if ((await migrations.status()).pending.length > 0) {
      log('applying migrations to the embedded database…');
      await migrations.up();
    }
  }
  const em = db.orm.em as unknown as EntityManager;
  let access: AccessReport | undefined;
  try {
    access = await detectAccess(em);
  } catch {
    // Not knowing is not a reason to refuse a listing; a write the role may not do still fails on the server.
    access = undefined;
  }
  const gates = {
    sites: writeGate({ readOnlyFlag: options.readOnly, ...(access ? { access } : {}) }),
    users: writeGate({ readOnlyFlag: options.readOnly, ...(access ? { access } : {}) }, 'users'),
  };
  const actor = options.actor === undefined ? {} : { actor: options.actor };
  const sites = new OrmSiteService(em, { ...actor, gate: gates.sites });
  return {
    sites,
    users: new OrmUserService(em, { ...actor, gate: gates.users }),
    revisions: new OrmRevisionService(em, sites),
    siteTransfer: new SiteTransfer(db, actor),
    userTransfer: new UserTransfer(db, actor),
    exports: exportServices((fn, options) => withTransaction(db.orm, db.target, fn, options)),
    gates,
  };
}
