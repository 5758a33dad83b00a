import { FIRST_PAGE, firstPageSeed } from './first-page.ts';
import type { DbReader } from '../db/open-reader.ts';
import type { BatchStatement } from '../db/pg-client.ts';
import type { DbSession } from '../db/session.ts';
import { openSessionConnection } from '../db/session-connection.ts';
import type { SqlQuery } from '../db/sql-query.ts';
import { CabinetError } from '../lib/errors.ts';
import { processIdentity } from '../presence/identity.ts';
import { createPresence, type PresenceService } from '../presence/presence-service.ts';
import { defaultMigrationsDir } from '../lib/paths.ts';
import { accessFromPrivileges, PRIVILEGES_SQL, readOnlyError, writeGate, type PrivilegeRow, type WriteGate } from './access.ts';
import { connectionInfo } from './connection-info.ts';
import { readDatabaseIdentity } from './database-identity.ts';
import type { CreateServicesOptions } from './create-services.ts';
import type { MigrateEvents } from './migration-bookkeeping.ts';
import { discoverMigrationFiles } from './migration-files.ts';
import { MigrationService } from './migration-service.ts';
import { readMigrationStatus, type MigrationStatus } from './migration-status.ts';
import { listSites } from './queries/site-queries.ts';
import { ormQuery } from './queries/orm-query.ts';
import { readServices } from './read-services.ts';
import type { RevisionService, Services, SiteService, UserService } from './types.ts';
import type { LiveFeed } from '../live/live-feed.ts';
import { openLiveFeed } from '../live/open-live-feed.ts';

/** The console's :migrate screen: the status, and `cabinet migrate` itself (MigrationService.apply). */
export interface ConsoleMigrations {
  status(): Promise<MigrationStatus>;
  /** `cabinet migrate`: the same refusals, lock and checksums; the names applied. Absent where the console may only look. */
  apply?(events?: MigrateEvents): Promise<string[]>;
  /** Calls back when the header's pending count (connection.pendingMigrations) has changed; returns the unsubscribe. */
  subscribe?(listener: () => void): () => void;
}

/**
 * The services the console's screens get (ui/services-context.tsx): the shared ones, the migrations when
 * the session can give them, presence (who else is editing what) on a real database, and `live`: changes
 * made by anyone, heard by LISTEN or polled (live/live-feed.ts).
 */
export type ConsoleServices = Services & { migrations?: ConsoleMigrations; presence?: PresenceService; live?: LiveFeed };

/** What openConsoleServices opens: the services, and how to close their connections. */
export interface OpenedConsoleServices {
  services: ConsoleServices & { migrations: ConsoleMigrations; presence: PresenceService; live: LiveFeed };
  close(): Promise<void>;
}

type Writers = Pick<Services, 'sites' | 'users' | 'revisions'>;

export interface ConsoleOpeners {
  openReader(): Promise<DbReader>;
  /** A full ORM session; `statementTimeoutMs: 0` for DDL (applying migrations), which may run long. */
  openDb(options?: { statementTimeoutMs?: number }): Promise<DbSession>;
}

/**
 * The console's services, fast: reads (the lists and details a person sees first) run on the light read
 * pool at once, while MikroORM — a few hundred milliseconds to import — loads in the background for writes
 * and history, which wait for it when used before it is ready. The embedded sandbox with pending migrations
 * takes the full path, which migrates it first.
 */
export async function openConsoleServices(openers: ConsoleOpeners, progress: (line: string) => void, options: CreateServicesOptions = {}): Promise<OpenedConsoleServices> {
  const reader = await openers.openReader();
  try {
    // Everything below and the sites screen's first page, in one round trip (already sent when the
    // console's start sent it: then this sends nothing).
    reader.prefetch(await firstScreenStatements());
    const readStatus = () => readMigrationStatus((sql) => reader.query(sql), discoverMigrationFiles(defaultMigrationsDir()));
    // A role that may read sites but not the bookkeeping (cabinet_n8n) still gets the console, read-only:
    // without the migrations, cabinet cannot tell that the schema it would write to is current.
    const status = await readStatus().catch((error: unknown) => {
      if (error instanceof CabinetError && error.code === 'db-permission') return undefined;
      throw error;
    });
    if (reader.target.source === 'embedded' && status && status.pending.length > 0) {
      await reader.close();
      return fullServices(openers, progress, options);
    }
    const [row] = await reader.query<PrivilegeRow>(PRIVILEGES_SQL);
    const database = await readDatabaseIdentity((sql) => reader.query(sql), reader.target, reader.label);
    const access = row ? accessFromPrivileges(row) : undefined;
    const unknownSchema: WriteGate | undefined = status
      ? undefined
      : { readOnly: true, reason: `read-only: role ${row?.role ?? reader.target.user} may not read the migrations (mikro_orm_migrations)` };
    const gates = {
      sites: writeGate({ readOnlyFlag: options.readOnly, ...(access ? { access } : {}) }),
      users: writeGate({ readOnlyFlag: options.readOnly, ...(access ? { access } : {}) }, 'users'),
    };
    if (unknownSchema && !gates.sites.readOnly) gates.sites = unknownSchema;
    if (unknownSchema && !gates.users.readOnly) gates.users = unknownSchema;
    // Writes go to the full services, which judge the role alone; these gates may be stricter.
    const gated = <A extends unknown[], T>(gate: WriteGate, fn: (...args: A) => Promise<T>) => (...args: A): Promise<T> =>
      gate.readOnly ? Promise.reject(readOnlyError(gate)) : fn(...args);
    let session: DbSession | undefined;
    let full: Promise<Writers> | undefined;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let fullSettled!: () => void;
    // The live listener opens after the ORM's session (open-live-feed.ts), without starting it earlier.
    const afterFull = new Promise<void>((resolve) => (fullSettled = resolve));
    const loadFull = (): Promise<Writers> => {
      if (full) return full;
      const loading = (full = (async () => {
        if (closed) throw new CabinetError('the console is closing', { code: 'closed' });
        session = await openers.openDb();
        // Closed while the ORM was loading: nothing will use it, and an open pool would keep the process alive.
        if (closed) {
          await session.close();
          throw new CabinetError('the console is closing', { code: 'closed' });
        }
        // The gates and the migrations were read on the first screen: nothing is asked again.
        const { writeServices } = await import('./create-services.ts');
        return writeServices(session, gates, options);
      })().finally(() => fullSettled()));
      // Not kept when it failed (the database was down): the next write opens the session again, so once the
      // database answers (and the banner goes) a save does too.
      loading.catch(() => {
        if (full === loading) full = undefined;
      });
      return loading;
    };
    // Importing the ORM holds the event loop for a few hundred milliseconds, so it starts only after the
    // first rows are on screen (or at the first write, whichever comes first), and connects then, so the
    // first save does not wait for a connection (nor for a free one from a bouncer's pool in session mode).
    // A failure to load it surfaces on the first write, as one line.
    const loadSoon = () => {
      timer ??= setTimeout(() => loadFull().catch(() => {}), 150).unref();
    };
    const reads = readServices(reader.query, reader.transaction);
    const later = async <T>(use: (s: Writers) => Promise<T>): Promise<T> => use(await loadFull());
    // Its answer is in already (prefetched); left to the list's own fetch if it failed.
    const firstSites = await reads.sites.list(FIRST_PAGE).catch(() => undefined);
    const sites: SiteService = {
      list: async (o) => {
        const page = await reads.sites.list(o);
        loadSoon();
        return page;
      },
      firstPage: firstPageSeed(firstSites, loadSoon),
      get: reads.sites.get,
      create: gated(gates.sites, (input, o) => later((s) => s.sites.create(input, o))),
      update: gated(gates.sites, (id, patch, o) => later((s) => s.sites.update(id, patch, o))),
      delete: gated(gates.sites, (id, o) => later((s) => s.sites.delete(id, o))),
    };
    const users: UserService = {
      list: reads.users.list,
      get: reads.users.get,
      history: reads.users.history,
      create: gated(gates.users, (input, o) => later((s) => s.users.create(input, o))),
      update: gated(gates.users, (id, patch, o) => later((s) => s.users.update(id, patch, o))),
      delete: gated(gates.users, (id, o) => later((s) => s.users.delete(id, o))),
    };
    const revisions: RevisionService = {
      history: (id, o) => later((s) => s.revisions.history(id, o)),
      diff: (id, a, b) => later((s) => s.revisions.diff(id, a, b)),
      restore: gated(gates.sites, (id, rev, o) => later((s) => s.revisions.restore(id, rev, o))),
    };
    const presence = consolePresence(reader.query, reader.target, options);
    const live = openLiveFeed(reader.target, reader.query, () => afterFull);
    const connection = connectionInfo({ label: reader.label, target: reader.target, guard: reader.guard, role: row?.role ?? reader.target.user, gates, pending: status?.pending.length ?? 0, database });
    return {
      services: {
        sites,
        users,
        revisions,
        connection,
        presence,
        live,
        migrations: consoleMigrations(readStatus, connection, options, async (events) => {
          // A session of its own, as `cabinet migrate` opens: DDL may run longer than the console's statement timeout.
          const ddl = await openers.openDb({ statementTimeoutMs: 0 });
          try {
            return await new MigrationService(ddl.orm, ddl.target).apply(events);
          } finally {
            await ddl.close().catch(() => {});
          }
        }),
      },
      async close() {
        closed = true;
        clearTimeout(timer);
        fullSettled();
        // All at once: a connection still waiting for a server (a bouncer's session pool that the others
        // fill) gets one as soon as they let theirs go, and then closes too.
        await Promise.all([
          presence.close().catch(() => {}),
          live.close().catch(() => {}),
          reader.close().catch(() => {}),
          (async () => {
            await full?.catch(() => {});
            await session?.close().catch(() => {});
          })(),
        ]);
      },
    };
  } catch (error) {
    await reader.close().catch(() => {});
    throw error;
  }
}

/**
 * The statements the console's first screen runs when the database is migrated and the role may read the
 * bookkeeping: the migration status, the privilege check, the database's identity and the first page of
 * sites. Found by running the same code against a recorder, so a change to any of them changes this list
 * with it (and the round-trip test notices when they drift apart).
 */
export async function firstScreenStatements(): Promise<BatchStatement[]> {
  const seen: BatchStatement[] = [];
  const recorder = async <T>(sql: string, params?: unknown[]): Promise<T[]> => {
    seen.push({ sql, ...(params && params.length > 0 ? { params } : {}) });
    // The migration status asks whether its tables exist first: in the common case, they do.
    return (seen.length === 1 ? [{ migrations: true, checksums: true }] : []) as T[];
  };
  await readMigrationStatus(recorder, []);
  seen.push({ sql: PRIVILEGES_SQL });
  await readDatabaseIdentity(recorder, { source: 'embedded', host: '', port: 0, user: '', database: '', connectTimeoutSeconds: 0 }, '');
  await listSites(recorder, FIRST_PAGE);
  return seen;
}

/** What the sites screen asks for first (src/ui/hooks/use-list-query.ts: sort by id, a page of 500). */

async function fullServices(openers: ConsoleOpeners, progress: (line: string) => void, options: CreateServicesOptions): Promise<OpenedConsoleServices> {
  const session = await openers.openDb();
  try {
    const { createServices } = await import('./create-services.ts');
    const services = await createServices(session, progress, options);
    const service = new MigrationService(session.orm, session.target);
    const migrations = consoleMigrations(() => service.status(), services.connection, options, (events) => service.apply(events));
    // Presence and the live feed speak node-postgres ($1 parameters), which the ORM's execute does not (it
    // binds ?): on it they failed, and a first run polled and could not tell who else was editing.
    const query = ormQuery(session.orm.em);
    const presence = consolePresence(query, session.target, options);
    const live = openLiveFeed(session.target, query);
    return {
      services: { ...services, migrations, presence, live },
      close: async () => {
        await presence.close().catch(() => {});
        await live.close().catch(() => {});
        await session.close();
      },
    };
  } catch (error) {
    await session.close().catch(() => {});
    throw error;
  }
}

/**
 * Who else is editing what (src/presence): read on the console's pool, announced on a connection of its own
 * opened at the first edit, as the history's actor.
 */
function consolePresence(query: SqlQuery, target: DbSession['target'], options: CreateServicesOptions): PresenceService {
  return createPresence({ query, open: () => openSessionConnection(target, { applicationName: 'cabinet presence', queryTimeoutMs: 10_000 }), identity: processIdentity(options.actor) });
}

/**
 * :migrate's status and apply. Applying is `cabinet migrate` (MigrationService.apply: the DDL refusal, the
 * lock, the checksums, one transaction), refused under --read-only as the command is; afterwards the
 * header's pending count is the database's again.
 */
export function consoleMigrations(
  status: () => Promise<MigrationStatus>,
  connection: Services['connection'],
  options: CreateServicesOptions,
  apply: (events?: MigrateEvents) => Promise<string[]>,
): ConsoleMigrations {
  // The header draws connection.pendingMigrations; whoever draws it hears each change here, not at the
  // next render that happens to come.
  const listeners = new Set<() => void>();
  const setPending = (n: number) => {
    if (connection.pendingMigrations === n) return;
    connection.pendingMigrations = n;
    for (const listener of [...listeners]) listener();
  };
  return {
    status: async () => {
      const s = await status();
      setPending(s.pending.length);
      return s;
    },
    async apply(events) {
      if (options.readOnly) throw new CabinetError('read-only: --read-only refuses cabinet migrate; nothing was changed', { code: 'read-only' });
      try {
        return await apply(events);
      } finally {
        await status().then(
          (s) => setPending(s.pending.length),
          () => {},
        );
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
