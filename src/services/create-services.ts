import type { EntityManager } from '@mikro-orm/postgresql';
import type { DbSession } from '../db/session.ts';
import { detectAccess, writeGate, type WriteGate } from './access.ts';
import { connectionInfo } from './connection-info.ts';
import { readDatabaseIdentity } from './database-identity.ts';
import { MigrationService } from './migration-service.ts';
import { OrmRevisionService } from './revision-service.ts';
import { OrmSiteService } from './site-service.ts';
import { OrmUserService } from './user-service.ts';
import type { Services } from './types.ts';
import { processActor } from './write-context.ts';

export interface CreateServicesOptions {
  /** `--read-only`: every write is refused (code `read-only`), whatever the role may do. */
  readOnly?: boolean;
  /** `--actor NAME`: who the history records instead of the OS / sudo user. */
  actor?: string;
}

/**
 * Builds the services the console uses from an open session. The embedded database is the user's own
 * sandbox, so its pending migrations are applied here; a configured database is only warned about
 * (the header shows it), because migrating it is a deliberate act: `cabinet migrate`.
 */
export async function createServices(db: DbSession, progress: (line: string) => void = () => {}, options: CreateServicesOptions = {}): Promise<Services> {
  const em = db.orm.em as unknown as EntityManager;
  const migrations = new MigrationService(db.orm, db.target);
  if (db.target.source === 'embedded' && (await migrations.status()).pending.length > 0) {
    progress('applying migrations to the embedded database…');
    await migrations.up();
  }
  const status = await migrations.status();
  // Asked once at start: the header says read-only up front instead of the first save failing.
  const access = await detectAccess(em);
  const gates = { sites: writeGate({ readOnlyFlag: options.readOnly, access }), users: writeGate({ readOnlyFlag: options.readOnly, access }, 'users') };
  const database = await readDatabaseIdentity((sql) => em.getConnection().execute(sql), db.target, db.label);
  return {
    ...writeServices(db, gates, options),
    connection: connectionInfo({ label: db.label, target: db.target, guard: db.guard, role: db.info.user, gates, pending: status.pending.length, database }),
  };
}

/**
 * The writing services over an open session, for a caller that already read the gates (the console, on its
 * first screen): no query is made here, so the first save pays only for the session's connection.
 */
export function writeServices(db: DbSession, gates: { sites: WriteGate; users: WriteGate }, options: CreateServicesOptions = {}): Pick<Services, 'sites' | 'users' | 'revisions'> {
  const em = db.orm.em as unknown as EntityManager;
  const actor = processActor(options.actor);
  const sites = new OrmSiteService(em, { actor, gate: gates.sites });
  return { sites, users: new OrmUserService(em, { actor, gate: gates.users }), revisions: new OrmRevisionService(em, sites) };
}
