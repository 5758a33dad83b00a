import type { EntityManager } from '@mikro-orm/postgresql';
import { toDatabaseError } from '../db/db-errors.ts';
import { CabinetError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';

/**
 * What the connected role may do, asked of PostgreSQL itself (has_table_privilege and friends), so the
 * console can say "read-only" up front instead of failing on the first save:
 * - write sites: INSERT, UPDATE and DELETE on `sites` plus INSERT on `site_revisions` and USAGE on its id
 *   sequence (every change is recorded with it), on a server that accepts writes (not a standby, not
 *   default_transaction_read_only);
 * - write users: INSERT, UPDATE and DELETE on `users` plus INSERT on `user_revisions` and USAGE on its id
 *   sequence (every change is recorded with it);
 * - migrate (DDL): CREATE on schema public and ownership of the tables (ALTER needs the owner), or superuser.
 * Daily work needs no DDL. The grants for a console role:
 *   grant select, insert, update, delete on sites, users to cabinet_app;
 *   grant select, insert on site_revisions, user_revisions to cabinet_app;
 *   grant usage on sequence site_revisions_id_seq, user_revisions_id_seq to cabinet_app;
 */
export interface AccessReport {
  role: string;
  canReadSites: boolean;
  canWriteSites: boolean;
  canWriteUsers: boolean;
  canMigrate: boolean;
  /** Why site writes are refused, one line; undefined when the role can write sites. */
  readOnlyReason?: string;
  /** Why user writes are refused; undefined when the role can write users. */
  usersReadOnlyReason?: string;
  /** Why `cabinet migrate` cannot run DDL, one line; undefined when it can. */
  migrateReason?: string;
}

/** The switch every service write checks. */
export interface WriteGate {
  readOnly: boolean;
  /** Shown in the error and the header, e.g. "read-only mode (--read-only)". */
  reason?: string;
}

export const WRITABLE: WriteGate = { readOnly: false };

/** A gate for `sites` (default) or `users` from the `--read-only` flag and what the role may do; the flag wins. */
export function writeGate(options: { readOnlyFlag?: boolean; access?: AccessReport }, table: 'sites' | 'users' = 'sites'): WriteGate {
  if (options.readOnlyFlag) return { readOnly: true, reason: 'read-only mode (--read-only)' };
  const reason = table === 'sites' ? options.access?.readOnlyReason : options.access?.usersReadOnlyReason;
  return reason ? { readOnly: true, reason } : WRITABLE;
}

/** CabinetError code `read-only`: one line saying why nothing can be changed. */
export function readOnlyError(gate: WriteGate): CabinetError {
  return new CabinetError(`cannot change anything: ${gate.reason ?? 'read-only'}`, { code: 'read-only' });
}

export function assertWritable(gate: WriteGate): void {
  if (gate.readOnly) throw readOnlyError(gate);
}

export interface PrivilegeRow {
  role: string;
  superuser: boolean;
  server_read_only: boolean;
  recovery: boolean;
  sites_exists: boolean;
  sites_select: boolean | null;
  sites_write: boolean | null;
  revisions_insert: boolean | null;
  users_write: boolean | null;
  user_revisions_insert: boolean | null;
  schema_create: boolean;
  owns_tables: boolean | null;
}

export const PRIVILEGES_SQL = `
select current_user as role,
       coalesce((select rolsuper from pg_roles where rolname = current_user), false) as superuser,
       current_setting('default_transaction_read_only') = 'on' or current_setting('transaction_read_only') = 'on' as server_read_only,
       pg_is_in_recovery() as recovery,
       to_regclass('public.sites') is not null as sites_exists,
       case when to_regclass('public.sites') is null then null
            else has_table_privilege('public.sites', 'SELECT') end as sites_select,
       case when to_regclass('public.sites') is null then null
            else has_table_privilege('public.sites', 'INSERT') and has_table_privilege('public.sites', 'UPDATE')
                 and has_table_privilege('public.sites', 'DELETE') end as sites_write,
       case when to_regclass('public.site_revisions') is null then null
            else has_table_privilege('public.site_revisions', 'INSERT')
                 and coalesce(has_sequence_privilege(pg_get_serial_sequence('public.site_revisions', 'id'), 'USAGE'), true) end as revisions_insert,
       case when to_regclass('public.users') is null then null
            else has_table_privilege('public.users', 'INSERT') and has_table_privilege('public.users', 'UPDATE')
                 and has_table_privilege('public.users', 'DELETE') end as users_write,
       case when to_regclass('public.user_revisions') is null then null
            else has_table_privilege('public.user_revisions', 'INSERT')
                 and coalesce(has_sequence_privilege(pg_get_serial_sequence('public.user_revisions', 'id'), 'USAGE'), true) end as user_revisions_insert,
       has_schema_privilege('public', 'CREATE') as schema_create,
       (select bool_and(pg_has_role(c.relowner, 'USAGE')) from pg_class c
         where c.oid in (select to_regclass(t) from unnest(array['public.sites', 'public.users', 'public.site_revisions', 'public.user_revisions']) t)) as owns_tables`;

/** Asks the server what the current role may do (one query). */
export async function detectAccess(em: EntityManager): Promise<AccessReport> {
  let row: PrivilegeRow | undefined;
  try {
    [row] = await em.getConnection().execute<PrivilegeRow[]>(PRIVILEGES_SQL);
  } catch (error) {
    throw toDatabaseError(error);
  }
  if (!row) throw new CabinetError('the server did not answer the privilege check', { code: 'db-error' });
  return accessFromPrivileges(row);
}

export function accessFromPrivileges(row: PrivilegeRow): AccessReport {
  const role = sanitizeLine(row.role);
  const server = row.recovery ? 'the server is a read-only standby' : row.server_read_only ? 'the server only allows read-only transactions' : undefined;
  let readOnlyReason: string | undefined = server;
  if (!readOnlyReason && row.sites_exists) {
    if (!row.sites_write) readOnlyReason = `role ${role} may not insert, update and delete sites`;
    else if (row.revisions_insert === false) readOnlyReason = `role ${role} may not write site history (INSERT on site_revisions and USAGE on site_revisions_id_seq)`;
  }
  const usersReadOnlyReason =
    server ??
    (row.users_write === false
      ? `role ${role} may not insert, update and delete users`
      : row.user_revisions_insert === false
        ? `role ${role} may not write user history (INSERT on user_revisions and USAGE on user_revisions_id_seq)`
        : undefined);
  const canMigrate = !server && (row.superuser || (row.schema_create && row.owns_tables !== false));
  const migrateReason = canMigrate
    ? undefined
    : server
      ? server
      : !row.schema_create
        ? `role ${role} may not create tables in schema public (migrations need CREATE on the schema and to own the tables)`
        : `role ${role} does not own the cabinet tables (migrations alter them; run cabinet migrate as their owner)`;
  return {
    role: row.role,
    canReadSites: row.sites_select !== false,
    canWriteSites: readOnlyReason === undefined,
    canWriteUsers: usersReadOnlyReason === undefined,
    canMigrate,
    ...(readOnlyReason ? { readOnlyReason } : {}),
    ...(usersReadOnlyReason ? { usersReadOnlyReason } : {}),
    ...(migrateReason ? { migrateReason } : {}),
  };
}
